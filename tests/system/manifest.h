/* manifest.h: the device manifest note of a test image, written in C (until `mirage configure`
 * generates it).
 *
 *   MG_TEST_MANIFEST(2, MG_TEST_BLOCK("disk"), MG_TEST_NET("service"));
 *   MG_TEST_MANIFEST_NONE();
 *
 * Exactly one of them per image, at file scope. The layout is abi.h's: a
 * note header, then struct mg_mft and its entries.
 */
#ifndef TESTS_SYSTEM_MANIFEST_H
#define TESTS_SYSTEM_MANIFEST_H

#include "abi.h"

#define MG_TEST_BLOCK(n)                                                                           \
    {                                                                                              \
        n, MG_MFT_BLOCK, 0                                                                         \
    }
#define MG_TEST_NET(n)                                                                             \
    {                                                                                              \
        n, MG_MFT_NET, 0                                                                           \
    }

#define MG_TEST_NOTE_HDR_(n)                                                                       \
    {                                                                                              \
        sizeof MG_MFT_NOTE_NAME, (uint32_t)(8 + (n) * sizeof(struct mg_mft_entry)),                \
            MG_MFT_NOTE_TYPE, MG_MFT_NOTE_NAME                                                     \
    }

#define MG_TEST_MANIFEST(n, ...)                                                                   \
    __attribute__((section(".note.mirage.manifest"), aligned(4), used)) static const struct {      \
        struct mg_mft_note_hdr h;                                                                  \
        uint32_t version, entries;                                                                 \
        struct mg_mft_entry e[n];                                                                  \
    } mg_test_manifest = {MG_TEST_NOTE_HDR_(n), MG_ABI_VERSION, n, {__VA_ARGS__}}

#define MG_TEST_MANIFEST_NONE()                                                                    \
    __attribute__((section(".note.mirage.manifest"), aligned(4), used)) static const struct {      \
        struct mg_mft_note_hdr h;                                                                  \
        uint32_t version, entries;                                                                 \
    } mg_test_manifest = {MG_TEST_NOTE_HDR_(0), MG_ABI_VERSION, 0}

#endif
