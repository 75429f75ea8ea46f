#ifndef KINDLING_CJAVASCRIPTCORE_SHIM_H
#define KINDLING_CJAVASCRIPTCORE_SHIM_H

#include <JavaScriptCore/JavaScript.h>
#include <stdbool.h>

// Private JavaScriptCore API. The Debian build (libjavascriptcoregtk-4.1) exports these symbols but does not ship
// the private headers, so the prototypes are declared here with the signatures of WebKit's
// JSContextRefPrivate.h, JSScriptRefPrivate.h and JSObjectRefPrivate.h.

#ifdef __cplusplus
extern "C" {
#endif

/// Called by the watchdog when a script has run past the group's execution time limit; return true to terminate it.
typedef bool (*JSShouldTerminateCallback)(JSContextRef ctx, void *context);

void JSContextGroupSetExecutionTimeLimit(JSContextGroupRef group, double limit, JSShouldTerminateCallback callback,
                                         void *context);
void JSContextGroupClearExecutionTimeLimit(JSContextGroupRef group);

void JSGlobalContextSetUnhandledRejectionCallback(JSGlobalContextRef ctx, JSObjectRef function, JSValueRef *exception);
void JSGlobalContextSetEvalEnabled(JSGlobalContextRef ctx, bool enabled, JSStringRef message);

typedef struct OpaqueJSScript *JSScriptRef;
JSScriptRef JSScriptCreateReferencingImmortalASCIIText(JSContextGroupRef contextGroup, JSStringRef url,
                                                       int startingLineNumber, const char *source, size_t length,
                                                       JSStringRef *errorMessage, int *errorLine);
JSScriptRef JSScriptCreateFromString(JSContextGroupRef contextGroup, JSStringRef url, int startingLineNumber,
                                     JSStringRef source, JSStringRef *errorMessage, int *errorLine);
void JSScriptRetain(JSScriptRef script);
void JSScriptRelease(JSScriptRef script);
JSValueRef JSScriptEvaluate(JSContextRef ctx, JSScriptRef script, JSValueRef thisValue, JSValueRef *exception);

void JSReportExtraMemoryCost(JSContextRef ctx, size_t size);
/// A full, synchronous collection (JSBasePrivate.h); the public JSGarbageCollect only hints that one may be due.
void JSSynchronousGarbageCollectForDebugging(JSContextRef ctx);

/// Sets a JavaScriptCore option by name (WebKitGTK's public GLib API, jsc/jsc-options.h; gboolean is int). Options
/// take effect only when set before the first virtual machine is created.
int jsc_options_set_boolean(const char *option, int value);

// The VM lock, held by Kindling for a whole job instead of taken and dropped by every API call (see
// IsolateExecutor.withVMLock). JSC::JSLockHolder is one pointer (a RefPtr<VM>); a context group *is* the VM (WebKit's
// APICast.h converts one to the other with a cast). These are the C++ constructor, destructor and VM member function,
// exported by the library under their mangled names.
void kindling_vm_lock(void **holder, JSContextGroupRef vm) __asm__("_ZN3JSC12JSLockHolderC1EPNS_2VME");
void kindling_vm_unlock(void **holder) __asm__("_ZN3JSC12JSLockHolderD1Ev");
/// Runs the VM's queued microtasks (promise reactions), as JavaScriptCore does when its lock's last holder lets go.
void kindling_vm_drain_microtasks(JSContextGroupRef vm) __asm__("_ZN3JSC2VM15drainMicrotasksEv");
/// JSC::VMEntryScope: what marks the VM as running JavaScript (its two members, a VM reference and the global object,
/// which a JSGlobalContextRef is). Its inline constructor calls setUpSlow only when no scope is active, and its
/// destructor tearDownSlow only for the outermost scope: the caller keeps to that.
typedef struct kindling_vm_entry_scope {
    JSContextGroupRef vm;
    JSGlobalContextRef global_object;
} kindling_vm_entry_scope;
void kindling_vm_entry_scope_set_up(kindling_vm_entry_scope *scope) __asm__("_ZN3JSC12VMEntryScope9setUpSlowEv");
void kindling_vm_entry_scope_tear_down(kindling_vm_entry_scope *scope) __asm__("_ZN3JSC12VMEntryScope12tearDownSlowEv");

/// A full garbage collection, now (WebKit's JSContextRefPrivate.h; exported, not in the GTK headers). For tests of
/// what the collector keeps alive.
void JSSynchronousGarbageCollectForDebugging(JSContextRef ctx);

#include <pthread.h>
#ifdef __linux__
// glibc declares this only under _GNU_SOURCE; the redeclaration matches its prototype.
extern int pthread_setname_np(pthread_t thread, const char *name);
#endif

/// Names the calling thread (at most 15 bytes on Linux), as debuggers and /proc show it.
static inline void kindling_set_current_thread_name(const char *name) {
#ifdef __linux__
    pthread_setname_np(pthread_self(), name);
#elif defined(__APPLE__)
    pthread_setname_np(name);
#endif
}

#ifdef __cplusplus
}
#endif

#endif
