namespace Tracing.Projections; public static class Placeholder {}
