// OpenCV 4 (C++ only), found with pkg-config (opencv4): this target carries its include path and
// libraries to CFaceDetect, the one C++ file that uses it. Swift never imports this module; it
// imports CFaceDetect's C header instead.
