//! The vowel-mark model for the words the table lacks: the BiLSTM of arabic-diacritizer
//! 1.0.0 (MIT), run here on the CPU with plain loops. It reads the letters of a sentence
//! (embedding 128 → three bidirectional LSTM layers of 256 → additive self-attention →
//! 15 classes, one per combination of marks) and marks every letter in its context.
//!
//! The weights are not in the repository: `scripts/tashkeel-model.py` converts the
//! package's PyTorch checkpoint to safetensors (18 MB), and `[audio] tashkeel_model` names
//! the file. Inference costs about 4.6 million multiply-adds a letter; `arabpress audio
//! vowels --model FILE` runs it in a separate process under `nice`, so a long article never
//! takes CPU from page serving.

use safetensors::{Dtype, SafeTensors};
use std::path::Path;

const EMBED: usize = 128;
const HIDDEN: usize = 256;
const GATES: usize = 4 * HIDDEN;
const BOTH: usize = 2 * HIDDEN;
const CLASSES: usize = 15;
const LAYERS: usize = 3;

/// Marks of each class, as the model's label map gives them (shadda first).
const LABELS: [&str; CLASSES] = [
    "",
    "\u{064E}",
    "\u{064F}",
    "\u{0650}",
    "\u{0652}",
    "\u{0651}",
    "\u{064B}",
    "\u{064C}",
    "\u{064D}",
    "\u{0651}\u{064E}",
    "\u{0651}\u{064F}",
    "\u{0651}\u{0650}",
    "\u{0651}\u{064B}",
    "\u{0651}\u{064C}",
    "\u{0651}\u{064D}",
];

/// The model's alphabet: after four special tokens (padding, unknown, start, end), the
/// letters, then the punctuation it was trained with.
const LETTERS: &str = "ءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوي";
const PUNCTUATION: &str = " .,،؛:؟!()-\"'\n";
const UNKNOWN: usize = 1;

/// Why the model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file could not be read.
    #[error("reading the vowel-mark model {0}")]
    Read(String),
    /// The file is not the model.
    #[error("the vowel-mark model is not usable: {0}")]
    Format(String),
}

struct Direction {
    input: usize,
    w_ih: Vec<f32>,
    w_hh: Vec<f32>,
    bias: Vec<f32>,
}

/// The loaded weights.
pub struct Model {
    vocab: usize,
    embedding: Vec<f32>,
    layers: Vec<[Direction; 2]>,
    att_w: Vec<f32>,
    att_u: Vec<f32>,
    att_v: Vec<f32>,
    cls_w: Vec<f32>,
    cls_b: Vec<f32>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Model({} layers, vocabulary {})",
            self.layers.len(),
            self.vocab
        )
    }
}

impl Model {
    /// A model whose weights are all zero: it gives every letter the same mark, which is
    /// enough to see where a caller uses the model and where the table.
    #[cfg(test)]
    pub(crate) fn zero() -> Model {
        let vocab = 4 + LETTERS.chars().count() + PUNCTUATION.chars().count();
        let dir = |input: usize| Direction {
            input,
            w_ih: vec![0.0; GATES * input],
            w_hh: vec![0.0; GATES * HIDDEN],
            bias: vec![0.0; GATES],
        };
        Model {
            vocab,
            embedding: vec![0.0; vocab * EMBED],
            layers: (0..LAYERS)
                .map(|l| {
                    let input = if l == 0 { EMBED } else { BOTH };
                    [dir(input), dir(input)]
                })
                .collect(),
            att_w: vec![0.0; BOTH * BOTH],
            att_u: vec![0.0; BOTH * BOTH],
            att_v: vec![0.0; BOTH],
            cls_w: vec![0.0; CLASSES * BOTH],
            cls_b: vec![0.0; CLASSES],
        }
    }

    /// Loads a safetensors file written by `scripts/tashkeel-model.py`.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let bytes = std::fs::read(path)
            .map_err(|e| ModelError::Read(format!("{}: {e}", path.display())))?;
        Model::from_bytes(&bytes)
    }

    /// Reads the weights from safetensors bytes, checking every shape.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let st = SafeTensors::deserialize(bytes).map_err(|e| ModelError::Format(e.to_string()))?;
        let get = |name: &str, shape: &[usize]| -> Result<Vec<f32>, ModelError> {
            let t = st
                .tensor(name)
                .map_err(|e| ModelError::Format(format!("{name}: {e}")))?;
            if t.dtype() != Dtype::F32 || t.shape() != shape {
                return Err(ModelError::Format(format!(
                    "{name} is {:?} {:?}, expected F32 {shape:?}",
                    t.dtype(),
                    t.shape()
                )));
            }
            Ok(t.data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect())
        };
        let vocab = 4 + LETTERS.chars().count() + PUNCTUATION.chars().count();
        let mut layers = Vec::with_capacity(LAYERS);
        for l in 0..LAYERS {
            let input = if l == 0 { EMBED } else { BOTH };
            let dir = |suffix: &str| -> Result<Direction, ModelError> {
                let b_ih = get(&format!("lstm.bias_ih_l{l}{suffix}"), &[GATES])?;
                let b_hh = get(&format!("lstm.bias_hh_l{l}{suffix}"), &[GATES])?;
                Ok(Direction {
                    input,
                    w_ih: get(&format!("lstm.weight_ih_l{l}{suffix}"), &[GATES, input])?,
                    w_hh: get(&format!("lstm.weight_hh_l{l}{suffix}"), &[GATES, HIDDEN])?,
                    bias: b_ih.iter().zip(&b_hh).map(|(a, b)| a + b).collect(),
                })
            };
            layers.push([dir("")?, dir("_reverse")?]);
        }
        Ok(Model {
            vocab,
            embedding: get("embedding.weight", &[vocab, EMBED])?,
            layers,
            att_w: get("attention.W.weight", &[BOTH, BOTH])?,
            att_u: get("attention.U.weight", &[BOTH, BOTH])?,
            att_v: get("attention.v.weight", &[1, BOTH])?,
            cls_w: get("classifier.weight", &[CLASSES, BOTH])?,
            cls_b: get("classifier.bias", &[CLASSES])?,
        })
    }

    /// The marks the model gives each character of `chars` (text without marks), "" for
    /// none.
    pub fn marks(&self, chars: &[char]) -> Vec<&'static str> {
        if chars.is_empty() {
            return Vec::new();
        }
        let n = chars.len();
        let mut x = Vec::with_capacity(n * EMBED);
        for &c in chars {
            let id = token(c).min(self.vocab - 1);
            x.extend_from_slice(&self.embedding[id * EMBED..(id + 1) * EMBED]);
        }
        for [fwd, bwd] in &self.layers {
            let mut out = vec![0f32; n * BOTH];
            run_direction(fwd, &x, n, false, &mut out, 0);
            run_direction(bwd, &x, n, true, &mut out, HIDDEN);
            x = out;
        }
        // Additive self-attention: each position a weighted sum of all of them.
        let q = project(&x, n, &self.att_w);
        let k = project(&x, n, &self.att_u);
        let mut scores = vec![0f32; n];
        let mut out = Vec::with_capacity(n);
        let mut context = vec![0f32; BOTH];
        for t in 0..n {
            let qt = &q[t * BOTH..(t + 1) * BOTH];
            for (s, score) in scores.iter_mut().enumerate() {
                let ks = &k[s * BOTH..(s + 1) * BOTH];
                let mut acc = 0f32;
                for j in 0..BOTH {
                    acc += self.att_v[j] * tanh(qt[j] + ks[j]);
                }
                *score = acc;
            }
            softmax(&mut scores);
            context.iter_mut().for_each(|c| *c = 0.0);
            for (s, w) in scores.iter().enumerate() {
                for (c, h) in context.iter_mut().zip(&x[s * BOTH..(s + 1) * BOTH]) {
                    *c += w * h;
                }
            }
            let mut best = (0, f32::MIN);
            for class in 0..CLASSES {
                let v = self.cls_b[class]
                    + dot(&self.cls_w[class * BOTH..(class + 1) * BOTH], &context);
                if v > best.1 {
                    best = (class, v);
                }
            }
            out.push(LABELS[best.0]);
        }
        out
    }
}

/// The model's id for a character.
fn token(c: char) -> usize {
    if let Some(i) = LETTERS.chars().position(|l| l == c) {
        return 4 + i;
    }
    if let Some(i) = PUNCTUATION.chars().position(|p| p == c) {
        return 4 + LETTERS.chars().count() + i;
    }
    UNKNOWN
}

/// One direction of one LSTM layer over the sequence `x` (n × input), writing its hidden
/// states into `out` (n × 512) at column `column`. Gates in PyTorch's order: input,
/// forget, cell, output.
fn run_direction(
    d: &Direction,
    x: &[f32],
    n: usize,
    reverse: bool,
    out: &mut [f32],
    column: usize,
) {
    let mut h = vec![0f32; HIDDEN];
    let mut c = vec![0f32; HIDDEN];
    let mut g = vec![0f32; GATES];
    for step in 0..n {
        let t = if reverse { n - 1 - step } else { step };
        let xt = &x[t * d.input..(t + 1) * d.input];
        for (r, gate) in g.iter_mut().enumerate() {
            *gate = d.bias[r]
                + dot(&d.w_ih[r * d.input..(r + 1) * d.input], xt)
                + dot(&d.w_hh[r * HIDDEN..(r + 1) * HIDDEN], &h);
        }
        for j in 0..HIDDEN {
            let i = sigmoid(g[j]);
            let f = sigmoid(g[HIDDEN + j]);
            let cell = tanh(g[2 * HIDDEN + j]);
            let o = sigmoid(g[3 * HIDDEN + j]);
            c[j] = f * c[j] + i * cell;
            h[j] = o * tanh(c[j]);
        }
        out[t * BOTH + column..t * BOTH + column + HIDDEN].copy_from_slice(&h);
    }
}

/// `x` (n × 512) times `wᵀ` (w is 512 × 512).
fn project(x: &[f32], n: usize, w: &[f32]) -> Vec<f32> {
    let mut out = vec![0f32; n * BOTH];
    for t in 0..n {
        let xt = &x[t * BOTH..(t + 1) * BOTH];
        for r in 0..BOTH {
            out[t * BOTH + r] = dot(&w[r * BOTH..(r + 1) * BOTH], xt);
        }
    }
    out
}

/// A dot product in eight lanes, which the compiler turns into vector instructions.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut sum: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        sum += x * y;
    }
    sum
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// tanh to within 2e-7, cheaper than the library's: a rational approximation on
/// [-9, 9], ±1 beyond.
fn tanh(x: f32) -> f32 {
    let x = x.clamp(-9.0, 9.0);
    let x2 = x * x;
    let p = x * (135135.0 + x2 * (17325.0 + x2 * (378.0 + x2)));
    let q = 135135.0 + x2 * (62370.0 + x2 * (3150.0 + x2 * 28.0));
    (p / q).clamp(-1.0, 1.0)
}

fn softmax(v: &mut [f32]) {
    let max = v.iter().copied().fold(f32::MIN, f32::max);
    let mut sum = 0.0;
    for x in v.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    for x in v.iter_mut() {
        *x /= sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alphabet_is_the_models() {
        assert_eq!(
            4 + LETTERS.chars().count() + PUNCTUATION.chars().count(),
            54
        );
        assert_eq!(token('ء'), 4);
        assert_eq!(token('ي'), 39);
        assert_eq!(token(' '), 40);
        assert_eq!(token('x'), UNKNOWN);
    }

    #[test]
    fn tanh_is_close_enough() {
        for i in -1000..=1000 {
            let x = i as f32 / 50.0;
            assert!((tanh(x) - x.tanh()).abs() < 2e-4, "{x}");
        }
    }

    #[test]
    fn a_file_that_is_not_the_model_is_refused() {
        assert!(matches!(
            Model::from_bytes(b"not a model"),
            Err(ModelError::Format(_))
        ));
    }
}
