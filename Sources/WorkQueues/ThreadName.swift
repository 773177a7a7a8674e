#if canImport(Glibc)
import Glibc
#endif

/// Names the calling thread for the kernel, so `top -H`, `ps -L`, gdb and
/// `/proc/<pid>/task/*/comm` show what each thread is: Foundation's `Thread.name` does not reach
/// the kernel on Linux. Written to `/proc/thread-self/comm`, because `pthread_setname_np` is a GNU
/// extension Swift's Glibc module does not export and `prctl` is variadic. The kernel keeps 15
/// bytes of a name.
public func nameCurrentThread(_ name: String) {
    #if canImport(Glibc)
    let file = open("/proc/thread-self/comm", O_WRONLY)
    guard file >= 0 else { return }
    defer { close(file) }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBufferPointer { write(file, $0.baseAddress, $0.count) }
    #endif
}
