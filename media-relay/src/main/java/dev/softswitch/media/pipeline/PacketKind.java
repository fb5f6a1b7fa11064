package dev.softswitch.media.pipeline;

/** What a relay socket carries: RTP media or its RTCP control packets (RFC 3550 section 6). */
public enum PacketKind {
    RTP,
    RTCP
}
