#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Keeps a file that shrinks under its memory map from killing the process.
///
/// Reading a mapped page past the end of a file that another process truncated raises SIGBUS.
/// While a map is registered here, a SIGBUS inside it is answered by mapping zero pages over the
/// rest of the map and marking the map as faulted; the read then completes (with zeros) and the
/// reader, which checks the mark before it trusts what it read (`MappedFile.checkUnchanged`),
/// reports a file that changed underneath it instead of a signal. A SIGBUS anywhere else goes
/// to the handler that was installed before (the Swift runtime's, or the default: a core dump).
///
/// The cost on the normal path is nothing per byte: one registration per map, one check per read.
enum MappingGuard {
    /// Maps one process can guard at once; beyond that a map is still made, unguarded.
    static let capacity = 1 << 14

    /// Slot `i` is the map [table[3i], table[3i+1]) and its fault mark table[3i+2]; a free slot has
    /// start 0. The handler reads it without the lock (it cannot take one): a slot is filled
    /// before its map is used and emptied after the map's last use, and `used` only grows.
    nonisolated(unsafe) private static let table: UnsafeMutablePointer<Int> = {
        let t = UnsafeMutablePointer<Int>.allocate(capacity: 3 * capacity)
        t.initialize(repeating: 0, count: 3 * capacity)
        return t
    }()
    /// Slots [0, used[0]) may be in use; the handler scans only those.
    nonisolated(unsafe) private static let used: UnsafeMutablePointer<Int> = {
        let u = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        u.initialize(to: 0)
        return u
    }()
    nonisolated(unsafe) private static let previous: UnsafeMutablePointer<sigaction> = .allocate(capacity: 1)
    nonisolated(unsafe) private static var free: [Int] = []
    nonisolated(unsafe) private static var installed = false
    private static let lock = NSLock()
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Registers the map at `base` of `count` bytes; nil when every slot is taken.
    static func register(_ base: UnsafeRawPointer, count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if !installed { install() }
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
        } else {
            guard used.pointee < capacity else { return nil }
            slot = used.pointee
            used.pointee += 1
        }
        table[3 * slot + 2] = 0
        table[3 * slot + 1] = Int(bitPattern: base) + count
        table[3 * slot] = Int(bitPattern: base)
        return slot
    }

    /// Frees `slot` (before its map is unmapped).
    static func unregister(_ slot: Int) {
        lock.lock()
        defer { lock.unlock() }
        table[3 * slot] = 0
        table[3 * slot + 1] = 0
        free.append(slot)
    }

    /// Whether a read of `slot`'s map hit a page past the end of its file.
    static func faulted(_ slot: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return table[3 * slot + 2] != 0
    }

    /// Installs the SIGBUS handler once, keeping the one before it for faults that are not ours.
    private static func install() {
        _ = (table, used, pageSize)
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_sigaction = { signal, info, context in MappingGuard.handle(signal, info, context) }
        #else
        action.__sigaction_u.__sa_sigaction = { signal, info, context in MappingGuard.handle(signal, info, context) }
        #endif
        action.sa_flags = SA_SIGINFO | SA_ONSTACK
        sigemptyset(&action.sa_mask)
        previous.initialize(to: sigaction())
        sigaction(SIGBUS, &action, previous)
        installed = true
    }

    /// The handler: zero pages over the rest of a guarded map that faulted; anything else goes
    /// back to the previous handler. Only async-signal-safe work: loads, stores, mmap, sigaction.
    private static func handle(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
        if let info, info.pointee.si_code > 0 {
            #if canImport(Glibc)
            let address = Int(bitPattern: info.pointee._sifields._sigfault.si_addr)
            #else
            let address = Int(bitPattern: info.pointee.si_addr)
            #endif
            let count = used.pointee
            var slot = 0
            while slot < count {
                let start = table[3 * slot], end = table[3 * slot + 1]
                if start != 0 && address >= start && address < end {
                    let page = address & ~(pageSize - 1)
                    let last = (end + pageSize - 1) & ~(pageSize - 1)
                    let zeros = mmap(UnsafeMutableRawPointer(bitPattern: page), last - page, PROT_READ,
                                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
                    if zeros != MAP_FAILED {
                        table[3 * slot + 2] = 1
                        return
                    }
                    break
                }
                slot += 1
            }
        }
        // Not ours: the previous handler takes this signal. A fault repeats when we return and
        // reaches it then; a signal sent by kill is raised again.
        sigaction(SIGBUS, previous, nil)
        if let info, info.pointee.si_code <= 0 { raise(SIGBUS) }
    }
}
