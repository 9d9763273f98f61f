import Dispatch
import Synchronization

/// Hands one value from a thread to another. The value goes in with `sending`, so the compiler
/// proves the sender kept no reference to it, and comes out once, with `sending`, on the other
/// side. The box itself is Sendable because its only state is a `Mutex`.
public final class Handoff<Value>: Sendable {
    private let slot: Mutex<Value?>

    public init(_ value: consuming sending Value) {
        slot = Mutex(Optional(value))
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
    private let items = Mutex<[Handoff<Item>]>([])
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
