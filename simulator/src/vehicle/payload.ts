/**
 * Camera trigger and gimbal state: trigger by distance (DO_SET_CAM_TRIGG_DIST), by interval
 * (IMAGE_START_CAPTURE), single shots (DO_DIGICAM_CONTROL), gimbal pitch/yaw and region of interest.
 */
import { bearingDeg, distanceM, wrap360 } from './geo.ts';
import type { GeoPoint } from './types.ts';

export class Payload {
  /** 0 = horizon, −90 = nadir; patrol drones start looking straight down. */
  gimbalPitchDeg = -90;
  /** Gimbal yaw relative to the vehicle's nose. */
  gimbalYawRelDeg = 0;
  roi: GeoPoint | null = null;
  imageCount = 0;
  private triggerDistM = 0;
  private lastTrigger: { lon: number; lat: number } | null = null;
  private intervalS = 0;
  private remaining = 0;
  private nextShotS = 0;

  /** Sets trigger-by-distance (0 stops it); `now` takes a first photo immediately. */
  setTriggerDistance(distM: number, lon: number, lat: number): void {
    this.triggerDistM = Number.isFinite(distM) && distM > 0 ? distM : 0;
    this.lastTrigger = this.triggerDistM > 0 ? { lon, lat } : null;
  }

  /** Starts interval capture: `count` 0 = until stopped. */
  startInterval(intervalS: number, count: number, timeS: number): void {
    this.intervalS = Math.max(0.1, intervalS);
    this.remaining = count > 0 ? count : Infinity;
    this.nextShotS = timeS;
  }

  stopInterval(): void {
    this.remaining = 0;
  }

  /** Number of photos due now (0 or 1) from the automatic triggers. */
  due(timeS: number, lon: number, lat: number): boolean {
    let shoot = false;
    if (this.triggerDistM > 0 && this.lastTrigger) {
      if (distanceM(this.lastTrigger.lon, this.lastTrigger.lat, lon, lat) >= this.triggerDistM) {
        this.lastTrigger = { lon, lat };
        shoot = true;
      }
    }
    if (this.remaining > 0 && timeS >= this.nextShotS) {
      this.nextShotS = timeS + this.intervalS;
      this.remaining--;
      shoot = true;
    }
    return shoot;
  }

  /** Points the gimbal (pitch, yaw relative to the nose); clears the ROI. */
  point(pitchDeg: number, yawRelDeg: number): void {
    if (Number.isFinite(pitchDeg)) this.gimbalPitchDeg = Math.max(-90, Math.min(30, pitchDeg));
    if (Number.isFinite(yawRelDeg)) this.gimbalYawRelDeg = yawRelDeg;
    this.roi = null;
  }

  /** Absolute gimbal yaw and pitch given the vehicle pose (the ROI wins when set). */
  aim(lon: number, lat: number, altAmslM: number, headingDeg: number): { pitchDeg: number; yawDeg: number } {
    if (this.roi) {
      const d = distanceM(lon, lat, this.roi.lon, this.roi.lat);
      const yawDeg = d > 0.5 ? bearingDeg(lon, lat, this.roi.lon, this.roi.lat) : headingDeg;
      const pitchDeg = Math.max(-90, Math.min(0, (Math.atan2(this.roi.altAmslM - altAmslM, d) * 180) / Math.PI));
      return { pitchDeg, yawDeg };
    }
    return { pitchDeg: this.gimbalPitchDeg, yawDeg: wrap360(headingDeg + this.gimbalYawRelDeg) };
  }
}
