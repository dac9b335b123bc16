/* Starts N copies of a plugin at once and waits for all: the wall time of a burst of concurrent calls.
 * Usage: spawn-many N STDIN_FILE OUT_DIR CMD [ARGS...]
 * Child i gets CNI_CONTAINERID=<prefix>-<i> (prefix from $BENCH_CID_PREFIX, default "burst"), stdin from
 * STDIN_FILE and stdout to OUT_DIR/<i>. Prints "<wall microseconds> <failed count>". */
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

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: spawn-many N STDIN OUT_DIR CMD...\n"); return 2; }
  int n = atoi(argv[1]);
  const char *input = argv[2], *outdir = argv[3];
  const char *prefix = getenv("BENCH_CID_PREFIX") ? getenv("BENCH_CID_PREFIX") : "burst";
  pid_t *pids = calloc(n, sizeof *pids);
  char cid[256], out[4096];
  double t0 = now_us();
  for (int i = 0; i < n; i++) {
    snprintf(cid, sizeof cid, "%s-%d", prefix, i);
    setenv("CNI_CONTAINERID", cid, 1);
    snprintf(out, sizeof out, "%s/%d", outdir, i);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, input, O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pids[i], argv[4], &fa, NULL, &argv[4], environ) != 0) { perror(argv[4]); return 1; }
    posix_spawn_file_actions_destroy(&fa);
  }
  int failed = 0;
  for (int i = 0; i < n; i++) {
    int status;
    waitpid(pids[i], &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed++;
  }
  printf("%.0f %d\n", now_us() - t0, failed);
  return 0;
}
