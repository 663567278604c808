/* fiber_san.c: AddressSanitizer annotations of fiber switches; the tree's only #if, as ASan is a build variant. */
#include "san.h"

#if defined(__SANITIZE_ADDRESS__)
#define MG_SAN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MG_SAN_ASAN 1
#endif
#endif

#ifdef MG_SAN_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
                                     size_t *size_old);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);

void mg_san_switch_begin(void **fake_save, const void *bottom, size_t size)
{
    __sanitizer_start_switch_fiber(fake_save, bottom, size);
}

void mg_san_switch_end(void *fake, const void **old_bottom, size_t *old_size)
{
    __sanitizer_finish_switch_fiber(fake, old_bottom, old_size);
}

void mg_san_stack_release(void *bottom, size_t size)
{
    __asan_unpoison_memory_region(bottom, size);
}
#else
void mg_san_switch_begin(void **fake_save, const void *bottom, size_t size)
{
    (void)fake_save, (void)bottom, (void)size;
}

void mg_san_switch_end(void *fake, const void **old_bottom, size_t *old_size)
{
    (void)fake, (void)old_bottom, (void)old_size;
}

void mg_san_stack_release(void *bottom, size_t size) { (void)bottom, (void)size; }
#endif
