//! Any bytes as a model file: a model or a clear error, never a panic. A model that loads
//! must also score a document without panicking.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use xuanti::model::SelectionModel;
use xuanti::read::Submission;
use xuanti::score::Analyzer;
use xuanti::segment::Segmenter;
use xuanti::themes::ThemeSet;

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer::new(Segmenter::new(), &ThemeSet::built_in()))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = SelectionModel::from_bytes(Path::new("fuzz.json"), data.to_vec()) {
        let doc = Submission {
            id: "1".into(),
            title: "驻村第一书记：带领群众修路".into(),
            unit: String::new(),
            text: "“路通了，心就通了。”村民说。".into(),
        };
        let screening = analyzer().screen(&[doc], Some(&model));
        assert!(screening.assessments[0].score.is_finite() || screening.assessments[0].score.is_nan());
    }
});
