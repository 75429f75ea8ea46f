// Interposes clock_gettime for the whole process (the executable's definition wins over libc's for every shared
// library, JavaScriptCore included), changing CLOCK_THREAD_CPUTIME_ID on marked threads only; see CThreadClock.h.
#define _GNU_SOURCE
#include "CThreadClock.h"

#include <dlfcn.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

static clock_gettime_fn real_clock_gettime;

// Resolved before main, while one thread runs, so the hot path reads a plain pointer.
__attribute__((constructor)) static void resolve_real_clock_gettime(void) {
    real_clock_gettime = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
}

static int call_real(clockid_t clock, struct timespec *time) {
    if (real_clock_gettime) return real_clock_gettime(clock, time);
    return (int)syscall(SYS_clock_gettime, clock, time);
}

// How long an extrapolated reading may run before the real clock is read again.
static const int64_t refresh_nanoseconds = 1000000;

static __thread int cheap;
static __thread int64_t base_cpu;    // the last real reading of the thread's CPU clock
static __thread int64_t base_wall;   // the monotonic time of that reading, 0 before the first
static __thread int64_t last_answer; // never answer less than before

static int64_t nanoseconds(const struct timespec *time) { return (int64_t)time->tv_sec * 1000000000 + time->tv_nsec; }

// The last real reading is kept across marks: a thread that borrows an isolate for each request (a Swift task
// calling an idle worker) would otherwise pay a real read per request. An old reading is still a safe base: the
// thread's CPU time grew by no more than the wall time since, so the estimate stays ahead by at most the 1 ms
// after which it is refreshed.
void kindling_thread_clock_set_cheap(int on) {
    cheap = on;
}

int clock_gettime(clockid_t clock, struct timespec *time) {
    if (clock != CLOCK_THREAD_CPUTIME_ID || !cheap) return call_real(clock, time);
    struct timespec wall_time;
    int result = call_real(CLOCK_MONOTONIC, &wall_time);
    if (result != 0) return result;
    int64_t wall = nanoseconds(&wall_time);
    int64_t answer;
    if (base_wall != 0 && wall - base_wall < refresh_nanoseconds) {
        answer = base_cpu + (wall - base_wall);
    } else {
        struct timespec cpu_time;
        result = call_real(CLOCK_THREAD_CPUTIME_ID, &cpu_time);
        if (result != 0) return result;
        base_cpu = answer = nanoseconds(&cpu_time);
        base_wall = wall;
    }
    if (answer < last_answer) answer = last_answer;
    last_answer = answer;
    time->tv_sec = answer / 1000000000;
    time->tv_nsec = answer % 1000000000;
    return 0;
}
