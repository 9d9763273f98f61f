// The face detector as C: OpenCV's cascade classifier behind an opaque handle, so that Swift
// sees plain C and only cfd.cpp sees C++. Nothing here keeps a pointer it was given.
#ifndef CFD_H
#define CFD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cfd_detector cfd_detector;

/// A face found: its box in the picture that was searched, in samples.
typedef struct cfd_box {
    int32_t x, y, width, height;
    /// How many neighbouring detections agreed (OpenCV's level of confidence).
    int32_t neighbours;
} cfd_box;

/// Loads a cascade model (an OpenCV XML file). NULL when it cannot be read or is not a cascade;
/// `error` (when not NULL) then holds a sentence, at most `error_size` bytes with its NUL.
cfd_detector *cfd_create(const char *model_path, char *error, int32_t error_size);
void cfd_destroy(cfd_detector *detector);

/// Finds faces in an 8-bit grey picture (`stride` bytes between rows) no smaller than
/// `minimum_size` samples across, writing at most `capacity` boxes, largest first. Returns how many
/// were written, or -1 when OpenCV failed.
int32_t cfd_detect(cfd_detector *detector, const uint8_t *grey, int32_t width, int32_t height, int32_t stride,
                   int32_t minimum_size, cfd_box *boxes, int32_t capacity);

#ifdef __cplusplus
}
#endif

#endif
