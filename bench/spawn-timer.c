/* Times plugin execs precisely: posix_spawn + wait4, stdin from a file opened fresh for every run,
 * stdout to /dev/null. Commands are run alternately so load drifts hit each one the same.
 * Usage: spawn-timer RUNS STDIN_FILE PREPARE_CMD CMD_A [ARGS...] ::: CMD_B [ARGS...] ...
 * PREPARE_CMD ("" for none) runs through /bin/sh before every timed run and is not timed.
 * Prints one line per run: "<command index> <wall microseconds> <peak RSS KiB> <exit status>". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: spawn-timer RUNS STDIN PREPARE CMD... [::: CMD...]\n"); return 2; }
  int runs = atoi(argv[1]);
  const char *input = argv[2], *prepare = argv[3];
  char **cmds[16];
  int ncmds = 0;
  cmds[ncmds++] = &argv[4];
  for (int i = 4; i < argc && ncmds < 16; i++)
    if (strcmp(argv[i], ":::") == 0) { argv[i] = NULL; cmds[ncmds++] = &argv[i + 1]; }
  for (int r = 0; r < runs; r++) {
    for (int c = 0; c < ncmds; c++) {
      if (prepare[0] && system(prepare) != 0) { fprintf(stderr, "prepare failed\n"); return 1; }
      posix_spawn_file_actions_t fa;
      posix_spawn_file_actions_init(&fa);
      posix_spawn_file_actions_addopen(&fa, 0, input, O_RDONLY, 0);
      posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
      pid_t pid;
      double t0 = now_us();
      if (posix_spawn(&pid, cmds[c][0], &fa, NULL, cmds[c], environ) != 0) { perror(cmds[c][0]); return 1; }
      int status;
      struct rusage ru;
      wait4(pid, &status, 0, &ru);
      double t1 = now_us();
      posix_spawn_file_actions_destroy(&fa);
      printf("%d %.0f %ld %d\n", c, t1 - t0, ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128);
    }
  }
  return 0;
}
