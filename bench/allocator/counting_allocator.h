// Heap accounting for the benchmark: global operator new/delete count the
// bytes in use so each operation's peak can be reported on its own
// (getrusage's maxrss only ever grows over the process's life).
#pragma once

#include <cstddef>

namespace gantry::bench::allocator {

/// Bytes currently allocated through operator new.
std::size_t heapInUse();
/// Starts a new peak measurement from the current use.
void resetHeapPeak();
/// Highest use since the last reset.
std::size_t heapPeak();

}  // namespace gantry::bench::allocator
