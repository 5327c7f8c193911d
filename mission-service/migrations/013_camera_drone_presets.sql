-- Camera and drone presets (issue 19.7): a registered drone's camera must be one of these, and plans flown by a
-- drone use its camera. The built-in presets of @xuncha/geodata are added by the service on first use (source
-- 'builtin'); admins add or change their own (source 'admin'). spec: the geodata camera / drone object.
CREATE TABLE camera_presets (
  name text PRIMARY KEY CHECK (name ~ '^[\w.:-]{1,64}$'),
  spec jsonb NOT NULL,
  source text NOT NULL CHECK (source IN ('builtin', 'admin')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE drone_presets (
  name text PRIMARY KEY CHECK (name ~ '^[\w.:-]{1,64}$'),
  spec jsonb NOT NULL,
  source text NOT NULL CHECK (source IN ('builtin', 'admin')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
