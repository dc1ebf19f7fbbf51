namespace Tracing.Domain; public static class Placeholder {}
