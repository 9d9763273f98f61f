import GreenlightCore
import GreenlightMedia

/// The media layer's FFT (libavutil `av_tx`) is the spectrum analyzers get through
/// `CheckContext.spectrum`: analyzers never see FFmpeg, the engine hands it to them.
extension PowerSpectrum: SpectrumTransform {}
