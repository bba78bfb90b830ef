package dev.shoal.agent.runtime;

/**
 * The unpacked layers in {@code <data>/layers}, as their records count them.
 *
 * @param count layer directories
 * @param bytes sizes of their files, as unpacked (a hard link counts once per name)
 */
public record LayerUsage(long count, long bytes) {}
