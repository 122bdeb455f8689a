// Memory for the operation an idle connection leaves pending, the wait for its
// next message, and for a deadline handed to its executor. Blocks come from free lists of the
// running thread, one list per 32-byte size class, so a pending operation
// holds a block of its own size and a busy thread allocates nothing per
// message. (Asio's default recycles a block of whatever size the thread freed
// last: a wait then sat in the 735-byte block of the handshake's write.)
#ifndef ASIOWS_DETAIL_OP_ALLOCATOR_HPP
#define ASIOWS_DETAIL_OP_ALLOCATOR_HPP

#include <cstddef>
#include <cstdint>
#include <new>

namespace asiows::detail {

class op_memory {
public:
  static constexpr std::size_t granularity = 32;
  static constexpr std::size_t largest = 1024; // larger blocks are not kept
  static constexpr std::size_t max_kept_per_class = 32;

  static void* allocate(std::size_t size) {
    if (size == 0 || size > largest || lists_gone()) return ::operator new(size);
    free_lists& lists = this_thread();
    const std::size_t index = size_class(size);
    void*& head = lists.heads[index];
    if (head == nullptr) return ::operator new(rounded(size));
    void* block = head;
    head = *static_cast<void**>(block);
    --lists.kept[index];
    return block;
  }

  static void deallocate(void* block, std::size_t size) noexcept {
    if (size == 0 || size > largest || lists_gone()) return ::operator delete(block);
    free_lists& lists = this_thread();
    const std::size_t index = size_class(size);
    if (lists.kept[index] == max_kept_per_class) return ::operator delete(block);
    *static_cast<void**>(block) = lists.heads[index];
    lists.heads[index] = block;
    ++lists.kept[index];
  }

private:
  static constexpr std::size_t classes = largest / granularity;
  static std::size_t size_class(std::size_t size) noexcept { return (size - 1) / granularity; }
  static std::size_t rounded(std::size_t size) noexcept { return (size_class(size) + 1) * granularity; }

  struct free_lists {
    void* heads[classes] = {};
    std::uint8_t kept[classes] = {};
    free_lists() = default;
    free_lists(const free_lists&) = delete;
    free_lists& operator=(const free_lists&) = delete;
    // At thread exit: frees what is kept, and later blocks go straight to the heap.
    ~free_lists() {
      lists_gone() = true;
      for (void* head : heads) {
        while (head != nullptr) {
          void* next = *static_cast<void**>(head);
          ::operator delete(head);
          head = next;
        }
      }
    }
  };

  static free_lists& this_thread() {
    thread_local free_lists lists;
    return lists;
  }
  // Trivially destructible, so still readable after this thread's lists are gone.
  static bool& lists_gone() {
    thread_local bool gone = false;
    return gone;
  }
};

// A standard allocator over op_memory, to bind to a handler (asio::bind_allocator).
template <class T>
class op_allocator {
public:
  using value_type = T;

  op_allocator() noexcept = default;
  template <class U>
  op_allocator(const op_allocator<U>&) noexcept {}

  T* allocate(std::size_t n) { return static_cast<T*>(op_memory::allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { op_memory::deallocate(p, n * sizeof(T)); }

  template <class U>
  bool operator==(const op_allocator<U>&) const noexcept {
    return true;
  }
  template <class U>
  bool operator!=(const op_allocator<U>&) const noexcept {
    return false;
  }
};

} // namespace asiows::detail

#endif
