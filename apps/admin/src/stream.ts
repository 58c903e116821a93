// An async generator of text as a streamed Response body: a chunk is produced only when the
// client has taken the previous ones (backpressure), and a client that goes away stops the export.

/** A segment export as a download: streamed, never cached, its type not sniffed. */
export function exportDownload(out: { chunks: AsyncGenerator<string>; contentType: string; filename: string }, onError?: (err: Error) => void): Response {
  return new Response(streamBody(out.chunks, onError), {
    headers: {
      'Content-Type': out.contentType,
      'Content-Disposition': `attachment; filename="${out.filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

export function streamBody(chunks: AsyncGenerator<string>, onError?: (err: Error) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await chunks.next();
          if (done) controller.close();
          else controller.enqueue(encoder.encode(value));
        } catch (err) {
          onError?.(err as Error);
          // Headers are gone already: breaking the connection is the only way to say the file is incomplete.
          controller.error(err);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
