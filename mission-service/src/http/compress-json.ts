/**
 * Compresses answers sent whole (`res.json`, `res.send`) whose type is JSON, GeoJSON, CSV or XML, with brotli or
 * gzip as the client accepts (the dispatcher map's 10,000 cases are a megabyte of JSON).
 * Streams (Server-Sent Events, files, photos) write with `res.write` and never pass here, so they keep flushing
 * each event at once; an answer that already has an encoding or says `no-transform` is left alone.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { RequestHandler } from 'express';

/** Below this, compression saves less than the headers and the CPU cost. */
export const COMPRESS_MIN_BYTES = 1024;
const COMPRESSIBLE = /^(application\/([\w.+-]*\+)?(json|xml)|text\/(csv|xml))\b/i;

const br = promisify(brotliCompress);
const gz = promisify(gzip);
// Quality 5: most of brotli's gain on JSON at a small part of the cost of its default, 11.
const compressors = {
  br: (b: Buffer) =>
    br(b, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: b.length,
      },
    }),
  gzip: (b: Buffer) => gz(b, { level: 6 }),
};

export const compressJson: RequestHandler = (req, res, next) => {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    const type = String(res.getHeader('content-type') ?? '');
    // Objects go through res.json, which calls this again with the string.
    if ((typeof body !== 'string' && !Buffer.isBuffer(body)) || !COMPRESSIBLE.test(type)) return send(body);
    res.vary('Accept-Encoding');
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    // Brotli whenever accepted (browsers list it last, with the same weight as gzip), else gzip.
    const encoding = req.acceptsEncodings('br') === 'br' ? 'br' : req.acceptsEncodings('gzip');
    if (
      bytes.length < COMPRESS_MIN_BYTES ||
      (encoding !== 'br' && encoding !== 'gzip') ||
      req.method === 'HEAD' ||
      res.statusCode === 204 ||
      res.statusCode === 304 ||
      res.getHeader('content-encoding') ||
      /\bno-transform\b/.test(String(res.getHeader('cache-control') ?? ''))
    )
      return send(body);
    // A string is sent as UTF-8 with its charset named; the compressed bytes must say so themselves.
    if (typeof body === 'string' && !/charset=/i.test(type)) res.setHeader('content-type', `${type}; charset=utf-8`);
    res.setHeader('content-encoding', encoding);
    res.removeHeader('content-length');
    // The head goes now (the answer is chunked): whoever looks after this call sees `headersSent` and adds nothing
    // while the body is compressed off the event loop. (No ETag: API answers are `no-store`.)
    res.writeHead(res.statusCode);
    compressors[encoding](bytes).then(
      (out) => res.end(out),
      (err: Error) => res.destroy(err),
    );
    return res;
  };
  next();
};
