import Foundation

/// The calling thread's share of JavaScriptCore's malloc (libpas), handed back when an isolate's thread goes idle.
///
/// Each thread that allocates keeps, per size class, a page of its own to allocate from, so a thread that loaded
/// the Web APIs holds dozens of pages only partly used; an isolate is its own thread, so that is paid per isolate.
/// `bmalloc::api::scavengeThisThread` stops those allocators: the free room in their pages goes back to the shared
/// heap, where other threads allocate from it. With it, 20 idle isolates with the Web APIs loaded take 4.1 MiB RSS
/// each instead of 5.05–5.10 (`make bench ONLY="runtime memory"`). Looked up, not linked: with a JavaScriptCore
/// build that lacks it, nothing happens.
enum AllocatorCaches {
    private typealias Function = @convention(c) () -> Void

    private static let scavengeThisThread: Function? = {
        // nil is RTLD_DEFAULT on Linux: every loaded library.
        guard let symbol = dlsym(nil, "_ZN7bmalloc3api18scavengeThisThreadEv") else {
            return nil
        }
        return unsafeBitCast(symbol, to: Function.self)
    }()

    /// Returns the calling thread's allocator caches.
    static func releaseForCurrentThread() {
        scavengeThisThread?()
    }
}
