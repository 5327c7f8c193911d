import { describe, expect, it } from 'vitest';
import { isSoftwareRendererName } from './software-renderer.ts';

describe('isSoftwareRendererName', () => {
  it('knows the software rasterisers browsers fall back to', () => {
    for (const r of [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'Google SwiftShader',
      'llvmpipe (LLVM 15.0.6, 256 bits)',
      'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)',
      'softpipe',
    ])
      expect(isSoftwareRendererName(r), r).toBe(true);
  });
  it('leaves GPUs alone', () => {
    for (const r of [
      'ANGLE (Intel, Intel(R) UHD Graphics 620 Direct3D11 vs_5_0 ps_5_0, D3D11)',
      'ANGLE (NVIDIA, NVIDIA GeForce GTX 1650 (0x00001F82) Direct3D11 vs_5_0 ps_5_0, D3D11)',
      'Mesa Intel(R) UHD Graphics 630 (CFL GT2)',
      'Apple M1',
      '',
    ])
      expect(isSoftwareRendererName(r), r).toBe(false);
  });
});
