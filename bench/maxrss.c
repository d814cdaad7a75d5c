/*
 * Peak-RSS wrapper for bench/e2e.mjs, used only when /usr/bin/time is missing.
 *
 *   maxrss OUTFILE COMMAND [ARGS...]
 *
 * Runs COMMAND (stdout/stderr untouched), waits for it with wait4() and writes
 * its ru_maxrss (KiB, as /usr/bin/time -f %M) to OUTFILE. Exits with the
 * command's status. Built on demand by e2e.mjs: cc -O2 -o bench/out/maxrss bench/maxrss.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s OUTFILE COMMAND [ARGS...]\n", argv[0]);
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("execvp");
		_exit(127);
	}
	int status = 0;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 2;
	}
	FILE *f = fopen(argv[1], "w");
	if (f) {
		fprintf(f, "%ld\n", ru.ru_maxrss);
		fclose(f);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
