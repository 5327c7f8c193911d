/**
 * A 12 MP test photo (4000 × 3000 JPEG) that compresses like an aerial one, not like a flat colour: coarse random
 * patches (fields, woods, roofs) blown up and blurred, with fine sensor-like grain over them. Random each call.
 */
import sharp from 'sharp';

export async function twelveMegapixelJpeg(width = 4000, height = 3000): Promise<Buffer> {
  const patches = await sharp({
    create: {
      width: 80,
      height: 60,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 110, sigma: 45 },
    },
  })
    .png()
    .toBuffer();
  const grain = await sharp({
    create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 18 } },
  })
    .png({ compressionLevel: 1 })
    .toBuffer();
  return sharp(patches)
    .resize(width, height, { kernel: 'cubic' })
    .blur(6)
    .composite([{ input: grain, blend: 'soft-light' }])
    .jpeg({ quality: 90 })
    .toBuffer();
}
