// The one C header of Greenlight. Everything Swift cannot import from FFmpeg
// (function-like macros, fixed-size arrays, version churn) is a `cff_`
// static inline function here, so the Swift layer never needs an #if.
//
// Tested against FFmpeg 5.1 (Debian 12). The guarded churn points also let it
// compile against FFmpeg 6.x and 7.x: channel layouts (AVChannelLayout since
// libavutil 57.24), key-frame / interlace flags (AV_FRAME_FLAG_* since 58.x),
// frame duration (AVFrame.duration since libavutil 57.30), decoded-frame counter
// (AVCodecContext.frame_num since libavcodec 60.2), swr_alloc_set_opts2, stream side
// data (AVCodecParameters.coded_side_data since libavformat 60.15).
#ifndef GREENLIGHT_CFFMPEG_SHIM_H
#define GREENLIGHT_CFFMPEG_SHIM_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/tx.h>
#include <libavutil/opt.h>
#include <libavutil/mastering_display_metadata.h>
#include <libavutil/dovi_meta.h>
#include <libavutil/pixdesc.h>
#include <libavutil/timecode.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

#define CFF_HAS_CH_LAYOUT (LIBAVUTIL_VERSION_INT >= AV_VERSION_INT(57, 24, 100))
#define CFF_HAS_FRAME_FLAGS (LIBAVUTIL_VERSION_INT >= AV_VERSION_INT(58, 7, 100))
#define CFF_HAS_FRAME_DURATION (LIBAVUTIL_VERSION_INT >= AV_VERSION_INT(57, 30, 100))
#define CFF_HAS_FRAME_NUM (LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 2, 100))
// Stream side data moved to AVCodecParameters.coded_side_data in libavformat 60.15
// (FFmpeg 6.1); av_stream_get_side_data went in 7.0.
#define CFF_HAS_CODED_SIDE_DATA (LIBAVFORMAT_VERSION_INT >= AV_VERSION_INT(60, 15, 100))

// MARK: errors and constants

static inline int cff_averror_eof(void) { return AVERROR_EOF; }
static inline int cff_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int cff_averror_enomem(void) { return AVERROR(ENOMEM); }
static inline int cff_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int cff_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int64_t cff_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int cff_time_base(void) { return AV_TIME_BASE; }

/// Writes av_strerror's text for `code` into `buf`.
static inline void cff_strerror(int code, char *buf, size_t size) {
    if (av_strerror(code, buf, size) < 0) {
        snprintf(buf, size, "unknown error %d", code);
    }
}

/// FFmpeg's own log lines go to stderr unasked; Greenlight reports errors itself.
static inline void cff_log_errors_only(int verbose) { av_log_set_level(verbose ? AV_LOG_WARNING : AV_LOG_QUIET); }

// MARK: frames

static inline uint8_t *cff_frame_data(const AVFrame *f, int plane) { return f->data[plane]; }
static inline int cff_frame_linesize(const AVFrame *f, int plane) { return f->linesize[plane]; }

static inline int cff_frame_is_key(const AVFrame *f) {
#if CFF_HAS_FRAME_FLAGS
    return (f->flags & AV_FRAME_FLAG_KEY) != 0;
#else
    return f->key_frame != 0;
#endif
}

/// Non-zero when the decoder produced the frame but had to conceal damage in it.
static inline int cff_frame_decode_error_flags(const AVFrame *f) { return f->decode_error_flags; }

static inline int cff_frame_is_interlaced(const AVFrame *f) {
#if CFF_HAS_FRAME_FLAGS
    return (f->flags & AV_FRAME_FLAG_INTERLACED) != 0;
#else
    return f->interlaced_frame != 0;
#endif
}

static inline int cff_frame_top_field_first(const AVFrame *f) {
#if CFF_HAS_FRAME_FLAGS
    return (f->flags & AV_FRAME_FLAG_TOP_FIELD_FIRST) != 0;
#else
    return f->top_field_first != 0;
#endif
}

/// Fields the decoder says to repeat when displaying the frame (soft telecine): repeat_pict.
static inline int cff_frame_repeat_fields(const AVFrame *f) { return f->repeat_pict; }

/// The frame's own duration in its stream time base, 0 when unknown.
static inline int64_t cff_frame_duration(const AVFrame *f) {
#if CFF_HAS_FRAME_DURATION
    return f->duration;
#else
    return f->pkt_duration;
#endif
}

/// Best-effort presentation timestamp of a decoded frame.
static inline int64_t cff_frame_best_pts(const AVFrame *f) {
    return f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
}

// MARK: codec contexts

/// Frames the decoder has returned. Greenlight counts frames itself; this churn point
/// (frame_number became frame_num in libavcodec 60.2) is guarded here for code built on the shim.
static inline int64_t cff_codec_frame_num(const AVCodecContext *c) {
#if CFF_HAS_FRAME_NUM
    return c->frame_num;
#else
    return c->frame_number;
#endif
}

static inline void cff_codec_enable_threads(AVCodecContext *c, int count) {
    c->thread_count = count;
    c->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
}


// MARK: channel layouts (AVChannelLayout since libavutil 57.24)

static inline int cff_codecpar_channels(const AVCodecParameters *p) {
#if CFF_HAS_CH_LAYOUT
    return p->ch_layout.nb_channels;
#else
    return p->channels;
#endif
}

/// Human description of a stream's channel layout ("stereo", "5.1(side)", "2 channels").
static inline void cff_codecpar_layout_name(const AVCodecParameters *p, char *buf, size_t size) {
    buf[0] = 0;
#if CFF_HAS_CH_LAYOUT
    if (av_channel_layout_describe(&p->ch_layout, buf, size) < 0) buf[0] = 0;
#else
    av_get_channel_layout_string(buf, (int)size, p->channels, p->channel_layout);
#endif
}

#if CFF_HAS_CH_LAYOUT
/// Short name of channel `index` of a layout, or "" when the layout does not name its channels.
static inline void cff_layout_channel_name(const AVChannelLayout *layout, int index, char *buf, size_t size) {
    buf[0] = 0;
    if (layout->order == AV_CHANNEL_ORDER_UNSPEC) return;
    enum AVChannel ch = av_channel_layout_channel_from_index(layout, (unsigned)index);
    if (ch == AV_CHAN_NONE || av_channel_name(buf, size, ch) < 0) buf[0] = 0;
}
#else
/// Short name of channel `index` of an old-API layout mask, or "" when there is no mask.
static inline void cff_mask_channel_name(uint64_t layout, int index, char *buf, size_t size) {
    buf[0] = 0;
    if (layout == 0) return;
    const char *name = av_get_channel_name(av_channel_layout_extract_channel(layout, index));
    if (name) snprintf(buf, size, "%s", name);
}
#endif

/// Short name of channel `index` of a stream ("FL", "FR", "LFE"), or "" when unknown.
static inline void cff_codecpar_channel_name(const AVCodecParameters *p, int index, char *buf, size_t size) {
#if CFF_HAS_CH_LAYOUT
    cff_layout_channel_name(&p->ch_layout, index, buf, size);
#else
    cff_mask_channel_name(p->channel_layout, index, buf, size);
#endif
}

// MARK: per-frame audio format (a stream may change layout, format or rate mid-stream)

static inline int cff_frame_channels(const AVFrame *f) {
#if CFF_HAS_CH_LAYOUT
    return f->ch_layout.nb_channels;
#else
    return f->channels;
#endif
}

/// Describes a decoded audio frame's layout ("5.1(side)", "stereo"); "" when it has no named order.
static inline void cff_frame_layout_name(const AVFrame *f, char *buf, size_t size) {
    buf[0] = 0;
#if CFF_HAS_CH_LAYOUT
    if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) return;
    if (av_channel_layout_describe(&f->ch_layout, buf, size) < 0) buf[0] = 0;
#else
    if (f->channel_layout == 0) return;
    av_get_channel_layout_string(buf, (int)size, f->channels, f->channel_layout);
#endif
}

/// Short name of channel `index` of a decoded audio frame ("FL", "LFE"), or "" when unnamed.
static inline void cff_frame_channel_name(const AVFrame *f, int index, char *buf, size_t size) {
#if CFF_HAS_CH_LAYOUT
    cff_layout_channel_name(&f->ch_layout, index, buf, size);
#else
    cff_mask_channel_name(f->channel_layout, index, buf, size);
#endif
}

/// A resampler from one decoded frame's own format, layout and rate to float planar at the
/// same layout and rate. NULL when libswresample cannot convert it.
static inline SwrContext *cff_swr_frame_to_float_planar(const AVFrame *f) {
    SwrContext *swr = NULL;
    if (f->sample_rate <= 0 || cff_frame_channels(f) <= 0) return NULL;
#if CFF_HAS_CH_LAYOUT
    AVChannelLayout layout;
    if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
        av_channel_layout_default(&layout, f->ch_layout.nb_channels);
    } else if (av_channel_layout_copy(&layout, &f->ch_layout) < 0) {
        return NULL;
    }
    int rc = swr_alloc_set_opts2(&swr, &layout, AV_SAMPLE_FMT_FLTP, f->sample_rate,
                                 &layout, (enum AVSampleFormat)f->format, f->sample_rate, 0, NULL);
    av_channel_layout_uninit(&layout);
    if (rc < 0) { swr_free(&swr); return NULL; }
#else
    int64_t layout = f->channel_layout ? (int64_t)f->channel_layout : av_get_default_channel_layout(f->channels);
    swr = swr_alloc_set_opts(NULL, layout, AV_SAMPLE_FMT_FLTP, f->sample_rate,
                             layout, (enum AVSampleFormat)f->format, f->sample_rate, 0, NULL);
    if (!swr) return NULL;
#endif
    if (swr_init(swr) < 0) { swr_free(&swr); return NULL; }
    return swr;
}

/// 1 when the container's duration is only estimated from its bit rate (MPEG-TS/PS without timing).
static inline int cff_duration_is_estimate(const AVFormatContext *ctx) {
    return ctx->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE;
}

// MARK: streams and metadata

static inline const char *cff_dict_get(const AVDictionary *dict, const char *key) {
    AVDictionaryEntry *e = av_dict_get(dict, key, NULL, 0);
    return e ? e->value : NULL;
}

static inline const char *cff_codec_name(enum AVCodecID id) { return avcodec_get_name(id); }

/// The stream's four-character code ("tmcd", "avc1"), for streams libavcodec has no codec for.
static inline void cff_codec_tag_string(const AVCodecParameters *p, char *buf, size_t size) {
    buf[0] = 0;
    if (p->codec_tag && size >= AV_FOURCC_MAX_STRING_SIZE) av_fourcc_make_string(buf, p->codec_tag);
}

static inline const char *cff_profile_name(const AVCodecParameters *p) {
    return avcodec_profile_name(p->codec_id, p->profile);
}

static inline const char *cff_pix_fmt_name(int fmt) {
    return fmt < 0 ? NULL : av_get_pix_fmt_name((enum AVPixelFormat)fmt);
}

static inline const char *cff_sample_fmt_name(int fmt) {
    return fmt < 0 ? NULL : av_get_sample_fmt_name((enum AVSampleFormat)fmt);
}

/// Bit depth of the first component, 0 when unknown.
static inline int cff_pix_fmt_depth(int fmt) {
    const AVPixFmtDescriptor *d = fmt < 0 ? NULL : av_pix_fmt_desc_get((enum AVPixelFormat)fmt);
    return d ? d->comp[0].depth : 0;
}

/// 1 when the pixel format is planar YUV (or gray) whose plane 0 is luma with one sample per
/// `step` bytes, so the Swift side can read luma in place.
static inline int cff_pix_fmt_luma_in_place(int fmt, int *bytes_per_sample, int *shift) {
    const AVPixFmtDescriptor *d = fmt < 0 ? NULL : av_pix_fmt_desc_get((enum AVPixelFormat)fmt);
    if (!d) return 0;
    if (d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM |
                    AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BE | AV_PIX_FMT_FLAG_FLOAT)) return 0;
    if (d->comp[0].plane != 0 || d->comp[0].offset != 0) return 0;
    int step = d->comp[0].step;
    if (!(step == 1 && d->comp[0].depth <= 8) && !(step == 2 && d->comp[0].depth > 8)) return 0;
    *bytes_per_sample = step;
    *shift = d->comp[0].shift;
    return 1;
}

/// Pixel-format classes from the descriptor's flags and layout, never from the format's name.
static inline int cff_pix_fmt_is_rgb(int fmt) {
    const AVPixFmtDescriptor *d = fmt < 0 ? NULL : av_pix_fmt_desc_get((enum AVPixelFormat)fmt);
    return d && (d->flags & AV_PIX_FMT_FLAG_RGB) != 0;
}

/// Luma only (gray, optionally with alpha).
static inline int cff_pix_fmt_is_gray(int fmt) {
    const AVPixFmtDescriptor *d = fmt < 0 ? NULL : av_pix_fmt_desc_get((enum AVPixelFormat)fmt);
    return d && !(d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)) && d->nb_components <= 2;
}

/// Chroma stored interleaved in one plane (NV12, NV21, P010, P016, NV24…).
static inline int cff_pix_fmt_is_semiplanar(int fmt) {
    const AVPixFmtDescriptor *d = fmt < 0 ? NULL : av_pix_fmt_desc_get((enum AVPixelFormat)fmt);
    return d && !(d->flags & AV_PIX_FMT_FLAG_RGB) && d->nb_components >= 3 && d->comp[1].plane == d->comp[2].plane;
}

/// The deprecated JPEG ("yuvj") formats, which mean full range whatever the frame says.
static inline int cff_pix_fmt_is_jpeg_range(int fmt) {
    switch ((enum AVPixelFormat)fmt) {
    case AV_PIX_FMT_YUVJ420P: case AV_PIX_FMT_YUVJ422P: case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P: case AV_PIX_FMT_YUVJ411P:
        return 1;
    default:
        return 0;
    }
}

static inline int cff_pix_fmt_log2_chroma_w(int fmt) {
    const AVPixFmtDescriptor *d = fmt < 0 ? NULL : av_pix_fmt_desc_get((enum AVPixelFormat)fmt);
    return d ? d->log2_chroma_w : 0;
}

static inline int cff_pix_fmt_log2_chroma_h(int fmt) {
    const AVPixFmtDescriptor *d = fmt < 0 ? NULL : av_pix_fmt_desc_get((enum AVPixelFormat)fmt);
    return d ? d->log2_chroma_h : 0;
}

static inline const char *cff_color_primaries_name(int v) { return av_color_primaries_name((enum AVColorPrimaries)v); }
static inline const char *cff_color_transfer_name(int v) { return av_color_transfer_name((enum AVColorTransferCharacteristic)v); }
static inline const char *cff_color_space_name(int v) { return av_color_space_name((enum AVColorSpace)v); }
static inline const char *cff_color_range_name(int v) { return av_color_range_name((enum AVColorRange)v); }

static inline const char *cff_field_order_name(int v) {
    switch ((enum AVFieldOrder)v) {
    case AV_FIELD_PROGRESSIVE: return "progressive";
    case AV_FIELD_TT: return "tt";
    case AV_FIELD_BB: return "bb";
    case AV_FIELD_TB: return "tb";
    case AV_FIELD_BT: return "bt";
    default: return NULL;
    }
}

static inline const char *cff_chroma_location_name(int v) { return av_chroma_location_name((enum AVChromaLocation)v); }

/// The matrix libswscale should read a YUV picture with: its own, or for an unspecified one the
/// usual guess by size (BT.709 above 576 lines, BT.601 at or below).
static inline int cff_effective_colorspace(const AVFrame *f) {
    if (f->colorspace != AVCOL_SPC_UNSPECIFIED && f->colorspace != AVCOL_SPC_RESERVED) return f->colorspace;
    return f->height > 576 ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M;
}

static inline void cff_mastering_to_doubles(const AVMasteringDisplayMetadata *m, double *out) {
    for (int i = 0; i < 3; i++) {
        out[2 * i] = av_q2d(m->display_primaries[i][0]);
        out[2 * i + 1] = av_q2d(m->display_primaries[i][1]);
    }
    out[6] = av_q2d(m->white_point[0]);
    out[7] = av_q2d(m->white_point[1]);
    out[8] = av_q2d(m->min_luminance);
    out[9] = av_q2d(m->max_luminance);
}

/// A frame's mastering display (SMPTE ST 2086): fills `out` with R, G, B and white point x,y
/// then min and max luminance (cd/m²). Returns bit 1 when primaries are known, bit 2 when the
/// luminance is, 0 when the frame carries none.
static inline int cff_frame_mastering_display(const AVFrame *f, double *out) {
    const AVFrameSideData *sd = av_frame_get_side_data(f, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA);
    if (!sd) return 0;
    const AVMasteringDisplayMetadata *m = (const AVMasteringDisplayMetadata *)sd->data;
    cff_mastering_to_doubles(m, out);
    return (m->has_primaries ? 1 : 0) | (m->has_luminance ? 2 : 0);
}

/// A frame's content light level (CTA-861.3): 1 and MaxCLL/MaxFALL when present, else 0.
static inline int cff_frame_content_light(const AVFrame *f, unsigned *max_cll, unsigned *max_fall) {
    const AVFrameSideData *sd = av_frame_get_side_data(f, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL);
    if (!sd) return 0;
    const AVContentLightMetadata *c = (const AVContentLightMetadata *)sd->data;
    *max_cll = c->MaxCLL;
    *max_fall = c->MaxFALL;
    return 1;
}

/// A signature of everything ``PictureColour`` is read from (colour enums and the HDR side
/// data's bytes), so an unchanged description need not be rebuilt frame after frame.
/// Dynamic HDR metadata a frame carries: bit 1 HDR10+ (SMPTE ST 2094-40), bit 2 a Dolby Vision RPU.
static inline int cff_frame_dynamic_hdr(const AVFrame *f) {
    return (av_frame_get_side_data(f, AV_FRAME_DATA_DYNAMIC_HDR_PLUS) ? 1 : 0)
         | (av_frame_get_side_data(f, AV_FRAME_DATA_DOVI_RPU_BUFFER) ? 2 : 0);
}

static inline uint64_t cff_frame_colour_signature(const AVFrame *f) {
    uint64_t h = 1469598103934665603ULL;
    const int fields[5] = { f->colorspace, f->color_primaries, f->color_trc, f->color_range, f->chroma_location };
    for (int i = 0; i < 5; i++) { h = (h ^ (uint64_t)(unsigned)fields[i]) * 1099511628211ULL; }
    const enum AVFrameSideDataType types[2] = { AV_FRAME_DATA_MASTERING_DISPLAY_METADATA, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL };
    for (int t = 0; t < 2; t++) {
        const AVFrameSideData *sd = av_frame_get_side_data(f, types[t]);
        h = (h ^ (sd ? 0x9e3779b9u : 0)) * 1099511628211ULL;
        if (sd) for (size_t i = 0; i < sd->size; i++) h = (h ^ sd->data[i]) * 1099511628211ULL;
    }
    h = (h ^ (uint64_t)cff_frame_dynamic_hdr(f)) * 1099511628211ULL;
    return h;
}

/// A stream's side data of `type` from its container, wherever this FFmpeg keeps it; NULL when absent.
static inline const uint8_t *cff_stream_side_data(const AVStream *st, enum AVPacketSideDataType type) {
#if CFF_HAS_CODED_SIDE_DATA
    const AVPacketSideData *sd = av_packet_side_data_get(st->codecpar->coded_side_data, st->codecpar->nb_coded_side_data, type);
    return sd ? sd->data : NULL;
#else
    return av_stream_get_side_data(st, type, NULL);
#endif
}

/// A stream's mastering display from its container (mdcv / MKV colour metadata), as
/// ``cff_frame_mastering_display``.
static inline int cff_stream_mastering_display(const AVStream *st, double *out) {
    const uint8_t *data = cff_stream_side_data(st, AV_PKT_DATA_MASTERING_DISPLAY_METADATA);
    if (!data) return 0;
    const AVMasteringDisplayMetadata *m = (const AVMasteringDisplayMetadata *)data;
    cff_mastering_to_doubles(m, out);
    return (m->has_primaries ? 1 : 0) | (m->has_luminance ? 2 : 0);
}

/// A stream's content light level from its container, as ``cff_frame_content_light``.
static inline int cff_stream_content_light(const AVStream *st, unsigned *max_cll, unsigned *max_fall) {
    const uint8_t *data = cff_stream_side_data(st, AV_PKT_DATA_CONTENT_LIGHT_LEVEL);
    if (!data) return 0;
    const AVContentLightMetadata *c = (const AVContentLightMetadata *)data;
    *max_cll = c->MaxCLL;
    *max_fall = c->MaxFALL;
    return 1;
}

/// A stream's Dolby Vision configuration record (the container's dvcC/dvvC box): fills profile,
/// level, the base layer's compatibility id and which layers are present (bit 1 RPU, bit 2
/// enhancement layer, bit 4 base layer); returns 1, or 0 when the stream declares none.
static inline int cff_stream_dolby_vision(const AVStream *st, int *profile, int *level, int *compatibility, int *layers) {
    const uint8_t *data = cff_stream_side_data(st, AV_PKT_DATA_DOVI_CONF);
    if (!data) return 0;
    const AVDOVIDecoderConfigurationRecord *c = (const AVDOVIDecoderConfigurationRecord *)data;
    *profile = c->dv_profile;
    *level = c->dv_level;
    *compatibility = c->dv_bl_signal_compatibility_id;
    *layers = (c->rpu_present_flag ? 1 : 0) | (c->el_present_flag ? 2 : 0) | (c->bl_present_flag ? 4 : 0);
    return 1;
}

static inline int cff_disposition_has(int disposition, const char *name) {
    if (!strcmp(name, "default")) return (disposition & AV_DISPOSITION_DEFAULT) != 0;
    if (!strcmp(name, "forced")) return (disposition & AV_DISPOSITION_FORCED) != 0;
    if (!strcmp(name, "hearing_impaired")) return (disposition & AV_DISPOSITION_HEARING_IMPAIRED) != 0;
    if (!strcmp(name, "visual_impaired")) return (disposition & AV_DISPOSITION_VISUAL_IMPAIRED) != 0;
    if (!strcmp(name, "attached_pic")) return (disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
    if (!strcmp(name, "original")) return (disposition & AV_DISPOSITION_ORIGINAL) != 0;
    if (!strcmp(name, "comment")) return (disposition & AV_DISPOSITION_COMMENT) != 0;
    if (!strcmp(name, "captions")) return (disposition & AV_DISPOSITION_CAPTIONS) != 0;
    return 0;
}

static inline int cff_media_type_video(void) { return AVMEDIA_TYPE_VIDEO; }
static inline int cff_media_type_audio(void) { return AVMEDIA_TYPE_AUDIO; }
static inline int cff_media_type_subtitle(void) { return AVMEDIA_TYPE_SUBTITLE; }
static inline int cff_media_type_data(void) { return AVMEDIA_TYPE_DATA; }

static inline int cff_subtitle_rect_is_bitmap(const AVSubtitleRect *r) { return r->type == SUBTITLE_BITMAP; }

/// sws_scale from one frame's planes into another's (Swift cannot pass the fixed arrays itself).
static inline int cff_sws_scale_frames(struct SwsContext *sws, const AVFrame *src, AVFrame *dst) {
    return sws_scale(sws, (const uint8_t *const *)src->data, src->linesize, 0, src->height, dst->data, dst->linesize);
}

/// Converts `in` (NULL drains the resampler) into float planes `out` of `out_capacity` samples.
/// Tells a scaler how to read the source's YUV (range, matrix) and to write full-range RGB.
static inline void cff_sws_set_source_colour(struct SwsContext *sws, int full_range, int colorspace) {
    int cs = SWS_CS_DEFAULT;
    switch ((enum AVColorSpace)colorspace) {
    case AVCOL_SPC_BT709: cs = SWS_CS_ITU709; break;
    case AVCOL_SPC_BT2020_NCL: case AVCOL_SPC_BT2020_CL: cs = SWS_CS_BT2020; break;
    case AVCOL_SPC_SMPTE240M: cs = SWS_CS_SMPTE240M; break;
    case AVCOL_SPC_FCC: cs = SWS_CS_FCC; break;
    default: cs = SWS_CS_ITU601; break;
    }
    const int *coefficients = sws_getCoefficients(cs);
    sws_setColorspaceDetails(sws, coefficients, full_range, coefficients, 1, 0, 1 << 16, 1 << 16);
}

static inline int cff_sws_scale_into(struct SwsContext *sws, const AVFrame *src, uint8_t *dst, int dst_stride) {
    uint8_t *planes[4] = { dst, NULL, NULL, NULL };
    int strides[4] = { dst_stride, 0, 0, 0 };
    return sws_scale(sws, (const uint8_t *const *)src->data, src->linesize, 0, src->height, planes, strides);
}

static inline int cff_swr_convert_frame_to(SwrContext *swr, const AVFrame *in, float **out, int out_capacity) {
    if (!in) return swr_convert(swr, (uint8_t **)out, out_capacity, NULL, 0);
    return swr_convert(swr, (uint8_t **)out, out_capacity, (const uint8_t **)in->extended_data, in->nb_samples);
}

#endif
