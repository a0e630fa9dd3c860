// Replaces the global allocation functions. Sizes of freed blocks come from
// malloc_usable_size, so the counts are of usable bytes, not requested ones.
#include "counting_allocator.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::size_t> gInUse{0};
std::atomic<std::size_t> gPeak{0};

void* counted(void* p) {
  if (!p) return p;
  const std::size_t now = gInUse.fetch_add(malloc_usable_size(p)) + malloc_usable_size(p);
  std::size_t peak = gPeak.load(std::memory_order_relaxed);
  while (now > peak && !gPeak.compare_exchange_weak(peak, now)) {
  }
  return p;
}

void* allocate(std::size_t size) {
  void* p = counted(std::malloc(size ? size : 1));
  if (!p) throw std::bad_alloc();
  return p;
}

void* allocateAligned(std::size_t size, std::align_val_t align) {
  void* p = nullptr;
  if (posix_memalign(&p, static_cast<std::size_t>(align), size ? size : 1) != 0) {
    throw std::bad_alloc();
  }
  return counted(p);
}

void release(void* p) {
  if (!p) return;
  gInUse.fetch_sub(malloc_usable_size(p));
  std::free(p);
}

}  // namespace

namespace gantry::bench::allocator {
std::size_t heapInUse() { return gInUse.load(); }
void resetHeapPeak() { gPeak.store(gInUse.load()); }
std::size_t heapPeak() { return gPeak.load(); }
}  // namespace gantry::bench::allocator

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t size, std::align_val_t a) { return allocateAligned(size, a); }
void* operator new[](std::size_t size, std::align_val_t a) { return allocateAligned(size, a); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
