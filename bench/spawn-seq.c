/* Runs one plugin COUNT times in sequence as a runtime would for COUNT containers: CNI_CONTAINERID=<PREFIX><i>
 * and CNI_IFNAME=eth<i> per call (the rest of the environment inherited), stdin from STDIN_FILE, stdout discarded.
 * Usage: spawn-seq COUNT PREFIX STDIN_FILE PLUGIN
 * Prints "<total wall microseconds> <failed calls>". */
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
  if (argc != 5) { fprintf(stderr, "usage: spawn-seq COUNT PREFIX STDIN PLUGIN\n"); return 2; }
  int count = atoi(argv[1]);
  const char *prefix = argv[2], *input = argv[3];
  char *cmd[] = { argv[4], NULL };
  int n = 0;
  while (environ[n]) n++;
  char **env = calloc(n + 3, sizeof(char *));
  int k = 0;
  for (int i = 0; i < n; i++)
    if (strncmp(environ[i], "CNI_CONTAINERID=", 16) && strncmp(environ[i], "CNI_IFNAME=", 11)) env[k++] = environ[i];
  char cid[256], ifname[64];
  env[k] = cid; env[k + 1] = ifname; env[k + 2] = NULL;
  int failed = 0;
  double t0 = now_us();
  for (int i = 0; i < count; i++) {
    snprintf(cid, sizeof cid, "CNI_CONTAINERID=%s%d", prefix, i);
    snprintf(ifname, sizeof ifname, "CNI_IFNAME=eth%d", i);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, input, O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    if (posix_spawn(&pid, cmd[0], &fa, NULL, cmd, env) != 0) { perror(cmd[0]); return 1; }
    int status;
    waitpid(pid, &status, 0);
    posix_spawn_file_actions_destroy(&fa);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed++;
  }
  printf("%.0f %d\n", now_us() - t0, failed);
  return 0;
}
