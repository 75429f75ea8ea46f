#ifndef KINDLING_CTHREADCLOCK_H
#define KINDLING_CTHREADCLOCK_H

/// Makes CLOCK_THREAD_CPUTIME_ID cheap on the calling thread (nonzero) or exact again (zero).
///
/// JavaScriptCore's CPU-time limit reads the thread's CPU clock on every entry into the VM, and each microtask
/// (each `await`) is an entry. That clock is a system call, not a vDSO read (about 0.8–2 µs on these machines, more
/// than the `await` itself). On a thread marked cheap, the clock is read for real at most once a millisecond and
/// extrapolated in between from the monotonic clock, which the vDSO serves in ~30 ns: CPU time cannot grow faster
/// than wall time on one thread, so the estimate is never behind and at most 1 ms ahead, and the CPU limit stays
/// accurate to a millisecond. Isolate threads (and threads borrowing an isolate) are marked; no other thread sees
/// any change.
void kindling_thread_clock_set_cheap(int cheap);

#endif
