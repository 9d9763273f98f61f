import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value only reached under a pthread mutex. `Synchronization.Mutex` would do the same, but
/// on Linux it locks with a raw futex that ThreadSanitizer does not see, so every access under
/// it read as a race and `make sanitize` could not tell a real one; the sanitizer intercepts
/// pthread mutexes. The value goes in and comes out with `sending`, as with `Mutex`.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(_ value: consuming sending Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<Result, E: Error>(_ body: (inout sending Value) throws(E) -> sending Result) throws(E) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

/// Hands one value from a thread to another. The value goes in with `sending`, so the compiler
/// proves the sender kept no reference to it, and comes out once, with `sending`, on the other
/// side. The box itself is Sendable because its only state is behind a lock.
public final class Handoff<Value>: Sendable {
    private let slot: Locked<Value?>

    public init(_ value: consuming sending Value) {
        slot = Locked(Optional(value))
    }

    /// The value, the first time; nil after.
    public func take() -> sending Value? {
        slot.withLock { $0.take() }
    }
}

/// A bounded first-in, first-out queue between one producer thread and one consumer thread:
/// `push` waits while `capacity` items are queued, `pop` waits while none is. Items need not be
/// Sendable: each crosses inside a ``Handoff``.
public final class WorkQueue<Item>: Sendable {
    private let items = Locked<[Handoff<Item>]>([])
    private let free: DispatchSemaphore
    private let filled = DispatchSemaphore(value: 0)

    public init(capacity: Int) {
        free = DispatchSemaphore(value: max(1, capacity))
    }

    public func push(_ item: consuming sending Item) {
        free.wait()
        let box = Handoff(item)
        items.withLock { $0.append(box) }
        filled.signal()
    }

    public func pop() -> sending Item {
        filled.wait()
        let box = items.withLock { $0.removeFirst() }
        free.signal()
        guard let item = box.take() else { preconditionFailure("a queued item was taken twice") }
        return item
    }
}
