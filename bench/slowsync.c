/* A stand-in for a slow laptop disk: every fsync and fdatasync first sleeps.
 *
 * Built and preloaded by bench/slow_disk.py (LD_PRELOAD, Linux only); the delay
 * comes from SLOW_SYNC_MS (default 30). Nothing else about file I/O changes.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
static void pause_ms(void) {
    const char *v = getenv("SLOW_SYNC_MS");
    long ms = v ? atol(v) : 30;
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}
int fsync(int fd) { static int (*real)(int); if (!real) real = dlsym(RTLD_NEXT, "fsync"); pause_ms(); return real(fd); }
int fdatasync(int fd) { static int (*real)(int); if (!real) real = dlsym(RTLD_NEXT, "fdatasync"); pause_ms(); return real(fd); }
