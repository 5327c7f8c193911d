/**
 * Optional online basemaps, from configuration. Everything inside Xuncha is WGS84; a basemap in GCJ-02 (AMap,
 * Tencent) or BD-09 (Baidu) would sit hundreds of metres off the project's layers, so it is refused with a
 * warning, never shown misaligned. 天地图 Tianditu serves CGCS2000, which matches WGS84 to well under a metre.
 */

export interface BasemapOptions {
  /** XYZ raster template (OSM style), `https://…/{z}/{x}/{y}.png`. */
  url?: string;
  /** What the template's tiles are in; `gcj02` / `bd09` are refused. Default: wgs84. */
  crs?: string;
  attribution?: string;
  /** 天地图 key: adds the Tianditu imagery and vector basemaps (WMTS, Web Mercator `_w` sets). */
  tiandituKey?: string;
}

export interface Basemap {
  id: string;
  /** Chinese first, English beside. */
  label: string;
  tiles: string[];
  /** Optional label overlay drawn above (Tianditu's annotation layers). */
  overlayTiles?: string[];
  attribution: string;
  maxzoom: number;
}

export interface BasemapConfig {
  basemaps: Basemap[];
  /** Why a configured basemap is not offered; the app shows these, the service logs them. */
  warnings: string[];
}

/** Hosts whose tiles are in GCJ-02 or BD-09. */
const OFFSET_HOSTS =
  /(^|\.)(autonavi\.com|amap\.com|gtimg\.com|map\.qq\.com|tencent\.com|qq\.com|baidu\.com|bdimg\.com|bdstatic\.com)$/i;

const tianditu = (layer: string, key: string) =>
  Array.from(
    { length: 8 },
    (_, i) =>
      `https://t${i}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}` +
      `&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`,
  );

/** Checks the configured basemaps and says why any of them is refused. */
export function basemapConfig(opts: BasemapOptions): BasemapConfig {
  const basemaps: Basemap[] = [];
  const warnings: string[] = [];
  if (opts.url) {
    const crs = (opts.crs ?? 'wgs84').toLowerCase();
    let host = '';
    try {
      const u = new URL(opts.url.replace(/\{[a-z]\}/g, '0'));
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('protocol');
      host = u.hostname;
    } catch {
      warnings.push(`底图地址无效，已忽略 / basemap URL "${opts.url}" is not an http(s) URL; ignored`);
    }
    if (host) {
      if (crs === 'gcj02' || crs === 'bd09' || OFFSET_HOSTS.test(host)) {
        warnings.push(
          `底图 ${host} 使用 GCJ-02/BD-09 偏移坐标，与 WGS84 图层相差数百米，已拒绝 / basemap ${host} is in ` +
            'GCJ-02/BD-09 (offset by hundreds of metres from WGS84): refused; use a WGS84 source such as OSM or Tianditu',
        );
      } else if (crs !== 'wgs84') {
        warnings.push(`未知底图坐标系 "${crs}"，已忽略 / unknown basemap CRS "${crs}" (wgs84, gcj02, bd09); ignored`);
      } else if (!/\{z\}/.test(opts.url) || !/\{x\}/.test(opts.url) || !/\{y\}/.test(opts.url)) {
        warnings.push(`底图地址缺少 {z}/{x}/{y} / basemap URL needs {z}, {x} and {y}; ignored`);
      } else {
        basemaps.push({
          id: 'xyz',
          label: '在线底图 / online basemap',
          tiles: [opts.url],
          attribution: opts.attribution ?? host,
          maxzoom: 19,
        });
      }
    }
  }
  if (opts.tiandituKey) {
    const attribution = '© 天地图 Tianditu';
    basemaps.push(
      {
        id: 'tianditu-img',
        label: '天地图影像 / Tianditu imagery',
        tiles: tianditu('img', opts.tiandituKey),
        overlayTiles: tianditu('cia', opts.tiandituKey),
        attribution,
        maxzoom: 18,
      },
      {
        id: 'tianditu-vec',
        label: '天地图矢量 / Tianditu map',
        tiles: tianditu('vec', opts.tiandituKey),
        overlayTiles: tianditu('cva', opts.tiandituKey),
        attribution,
        maxzoom: 18,
      },
    );
  }
  return { basemaps, warnings };
}

/** The origins the page must be allowed to fetch tiles from (for the Content-Security-Policy). */
export function basemapOrigins(config: BasemapConfig): string[] {
  const origins = new Set<string>();
  for (const b of config.basemaps)
    for (const t of [...b.tiles, ...(b.overlayTiles ?? [])]) origins.add(new URL(t.replace(/\{[a-z]\}/g, '0')).origin);
  return [...origins];
}
