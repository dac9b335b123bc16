/* Times plugin execs precisely: posix_spawn + wait4, stdin from a file opened fresh for every run,
 * stdout to /dev/null. Commands are run alternately so load drifts hit each one the same.
 * Usage: spawn-timer RUNS STDIN_FILE PREPARE_CMD CMD_A ::: CMD_B ::: ...
 *   where each CMD is  [NAME=VALUE ...] PATH [ARGS...] [+++ [NAME=VALUE ...] PATH [ARGS...] ...]
 * Leading NAME=VALUE words are environment assignments for that command only (like env(1), but without an
 * extra exec in the timed path). "+++" chains steps run one after the other as one timed command (wall time
 * summed, peak RSS the largest, exit status the first non-zero), e.g. two `ip -batch` processes.
 * A leading @netns=PATH word (first step only) runs that command, and its PREPARE, inside the network namespace
 * PATH: the timer enters it with setns before the untimed PREPARE and leaves it after the timed run, so two
 * implementations can each work on a node of their own with no extra process in the timed path.
 * PREPARE_CMD ("" for none) runs through /bin/sh before every timed run and is not timed; it sees the
 * assignments of the command it prepares (of its first step) and BENCH_I=<command index>, so it can, e.g.,
 * run an untimed ADD with the same implementation: "$CNI_PATH/bridge".
 * Prints one line per run: "<command index> <wall microseconds> <peak RSS KiB> <exit status>". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_CMDS 16
#define MAX_STEPS 8

struct step {
  char **argv;  /* NULL-terminated, argv[0] is the path */
  char **envp;  /* environ with this step's assignments applied */
  char **assign; int nassign;
  int netns;    /* fd of the @netns=PATH namespace, -1 for none */
};

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* environ, minus the names assigned, plus the assignments. */
static char **make_env(char **assign, int n) {
  int count = 0;
  while (environ[count]) count++;
  char **env = calloc(count + n + 1, sizeof *env);
  int k = 0;
  for (int i = 0; i < count; i++) {
    int overridden = 0;
    for (int j = 0; j < n; j++) {
      size_t len = strchr(assign[j], '=') - assign[j] + 1;
      if (strncmp(environ[i], assign[j], len) == 0) overridden = 1;
    }
    if (!overridden) env[k++] = environ[i];
  }
  for (int j = 0; j < n; j++) env[k++] = assign[j];
  return env;
}

static int is_assignment(const char *s) {
  const char *eq = strchr(s, '=');
  return eq && eq != s && s[0] != '/';
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: spawn-timer RUNS STDIN PREPARE CMD... [::: CMD...]\n"); return 2; }
  int runs = atoi(argv[1]);
  const char *input = argv[2], *prepare = argv[3];
  static struct step steps[MAX_CMDS][MAX_STEPS];
  int nsteps[MAX_CMDS] = {0}, ncmds = 1;
  char **start = &argv[4];
  for (int i = 4; i <= argc; i++) {
    int end = i == argc, next_cmd = !end && strcmp(argv[i], ":::") == 0, next_step = !end && strcmp(argv[i], "+++") == 0;
    if (!end && !next_cmd && !next_step) continue;
    argv[i] = NULL;
    struct step *s = &steps[ncmds - 1][nsteps[ncmds - 1]++];
    s->netns = -1;
    if (*start && strncmp(*start, "@netns=", 7) == 0) {
      if ((s->netns = open(*start + 7, O_RDONLY | O_CLOEXEC)) < 0) { perror(*start + 7); return 2; }
      start++;
    }
    s->assign = start;
    while (*start && is_assignment(*start)) { start++; s->nassign++; }
    if (!*start) { fprintf(stderr, "spawn-timer: empty command\n"); return 2; }
    s->argv = start;
    s->envp = make_env(s->assign, s->nassign);
    start = &argv[i + 1];
    if (next_cmd && ++ncmds > MAX_CMDS) { fprintf(stderr, "spawn-timer: too many commands\n"); return 2; }
    if (next_step && nsteps[ncmds - 1] == MAX_STEPS) { fprintf(stderr, "spawn-timer: too many steps\n"); return 2; }
  }
  char index[16];
  int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) { perror("/proc/thread-self/ns/net"); return 2; }
  for (int r = 0; r < runs; r++) {
    for (int c = 0; c < ncmds; c++) {
      int netns = steps[c][0].netns;
      if (netns >= 0 && setns(netns, CLONE_NEWNET) != 0) { perror("setns"); return 1; }
      if (prepare[0]) {
        snprintf(index, sizeof index, "%d", c);
        pid_t pid;
        char *sh[] = {"sh", "-c", (char *)prepare, NULL};
        setenv("BENCH_I", index, 1);
        char **env = make_env(steps[c][0].assign, steps[c][0].nassign);
        int status;
        if (posix_spawn(&pid, "/bin/sh", NULL, NULL, sh, env) != 0 || waitpid(pid, &status, 0) < 0 ||
            !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
          fprintf(stderr, "spawn-timer: prepare failed for command %d: %s\n", c, prepare);
          return 1;
        }
        free(env);
        unsetenv("BENCH_I");
      }
      double total = 0;
      long rss = 0;
      int code = 0;
      for (int k = 0; k < nsteps[c]; k++) {
        struct step *s = &steps[c][k];
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, input, O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        pid_t pid;
        int status;
        struct rusage ru;
        double t0 = now_us();
        if (posix_spawn(&pid, s->argv[0], &fa, NULL, s->argv, s->envp) != 0) { perror(s->argv[0]); return 1; }
        wait4(pid, &status, 0, &ru);
        total += now_us() - t0;
        posix_spawn_file_actions_destroy(&fa);
        if (ru.ru_maxrss > rss) rss = ru.ru_maxrss;
        int st = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
        if (!code) code = st;
      }
      if (netns >= 0 && setns(home, CLONE_NEWNET) != 0) { perror("setns back"); return 1; }
      printf("%d %.0f %ld %d\n", c, total, rss, code);
      fflush(stdout);
    }
  }
  return 0;
}
