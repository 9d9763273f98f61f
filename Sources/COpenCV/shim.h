// OpenCV 4 (C++ only): named here so the package lists it with its apt and brew providers.
// CFaceDetect links the three libraries it uses (objdetect, imgproc, core) and takes the include
// path from `pkg-config --cflags opencv4` (Package.swift). Swift never imports this module; it
// imports CFaceDetect's C header instead.
