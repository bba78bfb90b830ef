package dev.shoal.agent.runtime;

/**
 * Why a container call was refused or failed, with what to do about it. The kind picks the gRPC
 * status at the control API's edge.
 */
public final class ContainerException extends java.io.IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as a caller can act on it. */
  public enum Kind {
    /** A bad image reference, -e, -v or user; an image for another platform. */
    INVALID,
    /** No such container, or no such image at the upstream. */
    NOT_FOUND,
    /** A name in use; removing a running container. */
    CONFLICT,
    /** Something outside the request failed: the upstream, runc, the disk. */
    FAILED
  }

  private final Kind kind;

  public ContainerException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ContainerException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
