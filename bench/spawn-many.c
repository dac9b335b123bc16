/* Starts N calls of a plugin and reports the wall time of all of them.
 * Usage: spawn-many N STDIN_FILE OUT_DIR CMD [ARGS...]
 * Call i gets CNI_CONTAINERID=<prefix>-<i> (prefix from $BENCH_CID_PREFIX, default "burst"), stdin from
 * STDIN_FILE and stdout to OUT_DIR/<i>. By default all N start at once (a burst of concurrent calls); with
 * BENCH_SEQUENTIAL=1 each waits for the previous one and also gets CNI_IFNAME=eth<i>, as N containers set up one
 * after another in one netns. "{i}" in an argument or in an environment value becomes the call's index, three
 * digits (000, 001, ...): a netns path or a host port per call. Prints "<wall microseconds> <failed count>". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int failed_exit(pid_t pid) {
  int status;
  waitpid(pid, &status, 0);
  return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

/* s with every "{i}" replaced by i as three digits, in a new string. */
static char *expand(const char *s, int i) {
  char *out = malloc(strlen(s) + 64), *o = out;
  for (const char *p = s; *p;) {
    if (strncmp(p, "{i}", 3) == 0) { o += sprintf(o, "%03d", i); p += 3; }
    else *o++ = *p++;
  }
  *o = 0;
  return out;
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: spawn-many N STDIN OUT_DIR CMD...\n"); return 2; }
  int n = atoi(argv[1]);
  const char *input = argv[2], *outdir = argv[3];
  const char *prefix = getenv("BENCH_CID_PREFIX") ? getenv("BENCH_CID_PREFIX") : "burst";
  int sequential = getenv("BENCH_SEQUENTIAL") != NULL;
  pid_t *pids = calloc(n, sizeof *pids);
  char value[256], out[4096];
  int failed = 0;
  char *templates[64];
  int ntemplates = 0;
  for (char **e = environ; *e && ntemplates < 64; e++)
    if (strstr(*e, "{i}")) templates[ntemplates++] = strdup(*e);
  char **args = calloc(argc, sizeof *args);
  double t0 = now_us();
  for (int i = 0; i < n; i++) {
    for (int a = 4; a < argc; a++) args[a - 4] = strstr(argv[a], "{i}") ? expand(argv[a], i) : argv[a];
    for (int t = 0; t < ntemplates; t++) {
      char *kv = expand(templates[t], i), *eq = strchr(kv, '=');
      *eq = 0;
      setenv(kv, eq + 1, 1);
      free(kv);
    }
    snprintf(value, sizeof value, "%s-%d", prefix, i);
    setenv("CNI_CONTAINERID", value, 1);
    if (sequential) {
      snprintf(value, sizeof value, "eth%d", i);
      setenv("CNI_IFNAME", value, 1);
    }
    snprintf(out, sizeof out, "%s/%d", outdir, i);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, input, O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pids[i], args[0], &fa, NULL, args, environ) != 0) { perror(args[0]); return 1; }
    posix_spawn_file_actions_destroy(&fa);
    if (sequential) failed += failed_exit(pids[i]);
  }
  if (!sequential)
    for (int i = 0; i < n; i++) failed += failed_exit(pids[i]);
  printf("%.0f %d\n", now_us() - t0, failed);
  return 0;
}
