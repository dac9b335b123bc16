/* Starts N calls of a plugin and reports the wall time of all of them.
 * Usage: spawn-many N STDIN_FILE OUT_DIR CMD [ARGS...]
 * Call i gets CNI_CONTAINERID=<prefix>-<i> (prefix from $BENCH_CID_PREFIX, default "burst"), stdin from
 * STDIN_FILE and stdout to OUT_DIR/<i>. By default all N start at once (a burst of concurrent calls); with
 * BENCH_SEQUENTIAL=1 each waits for the previous one and also gets CNI_IFNAME=eth<i>, as N containers set up one
 * after another in one netns. Prints "<wall microseconds> <failed count>". */
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

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: spawn-many N STDIN OUT_DIR CMD...\n"); return 2; }
  int n = atoi(argv[1]);
  const char *input = argv[2], *outdir = argv[3];
  const char *prefix = getenv("BENCH_CID_PREFIX") ? getenv("BENCH_CID_PREFIX") : "burst";
  int sequential = getenv("BENCH_SEQUENTIAL") != NULL;
  pid_t *pids = calloc(n, sizeof *pids);
  char value[256], out[4096];
  int failed = 0;
  double t0 = now_us();
  for (int i = 0; i < n; i++) {
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
    if (posix_spawn(&pids[i], argv[4], &fa, NULL, &argv[4], environ) != 0) { perror(argv[4]); return 1; }
    posix_spawn_file_actions_destroy(&fa);
    if (sequential) failed += failed_exit(pids[i]);
  }
  if (!sequential)
    for (int i = 0; i < n; i++) failed += failed_exit(pids[i]);
  printf("%.0f %d\n", now_us() - t0, failed);
  return 0;
}
