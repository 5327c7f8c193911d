/** A complete set of layers as the sample data set (and a county's import) provides them. */
import { z } from 'zod';
import { departmentsFileSchema } from './departments.ts';
import {
  farmlandCollectionSchema,
  hillsideCollectionSchema,
  jurisdictionCollectionSchema,
  noFlyCollectionSchema,
  riverCollectionSchema,
} from './layer-schemas.ts';

export const layerSetSchema = z.object({
  rivers: riverCollectionSchema,
  farmland: farmlandCollectionSchema,
  hillsides: hillsideCollectionSchema,
  nofly: noFlyCollectionSchema,
  jurisdictions: jurisdictionCollectionSchema,
  departments: departmentsFileSchema,
});
export type LayerSet = z.infer<typeof layerSetSchema>;
