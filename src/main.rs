//! The `xuanti` command: glue between the command line and the library.

mod cmd;

use std::process::ExitCode;

fn is_broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    let pipe = |io: &std::io::Error| io.kind() == std::io::ErrorKind::BrokenPipe;
    e.downcast_ref::<std::io::Error>().is_some_and(pipe)
        || matches!(e.downcast_ref::<xuanti::Error>(), Some(xuanti::Error::Io { io, .. }) if pipe(io))
}

/// 1: an input (CSV, model, themes, dictionary) is missing, unreadable or bad;
/// 2: the command line asks for something impossible (clap's own usage errors exit 2 too).
fn exit_code(err: &anyhow::Error) -> u8 {
    let usage = err.chain().any(|e| {
        matches!(
            e.downcast_ref::<xuanti::Error>(),
            Some(
                xuanti::Error::OverwriteInput { .. }
                    | xuanti::Error::SameOutput { .. }
                    | xuanti::Error::SameInput { .. }
                    | xuanti::Error::Usage(_)
                    | xuanti::Error::NoSuchColumn { .. }
                    | xuanti::Error::Exists { .. }
            )
        )
    });
    if usage {
        2
    } else {
        1
    }
}

fn main() -> ExitCode {
    // The language first, so that clap's help and errors come out in it: `--lang` wins over
    // XUANTI_LANG; Chinese by default.
    xuanti::lang::set_english(xuanti::lang::english_requested(
        std::env::args_os(),
        std::env::var_os("XUANTI_LANG").as_deref(),
    ));
    // Ctrl-C: remove the temporary file of an output being written, then stop (exit 130,
    // as shells report an interrupt), so no partial output is left behind.
    let _ = ctrlc::set_handler(|| {
        xuanti::write::remove_pending_files();
        eprintln!(
            "xuanti: {}",
            xuanti::tr!("已中断，没有写出任何结果", "interrupted; no output written")
        );
        std::process::exit(130);
    });
    let cli = cmd::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `xuanti rank big.csv | head` closes the pipe early: that is not an error.
            if err.chain().any(is_broken_pipe) {
                return ExitCode::SUCCESS;
            }
            let (error, caused_by) = if xuanti::lang::english() {
                ("error: ", "caused by: ")
            } else {
                ("错误：", "原因：")
            };
            eprintln!("xuanti: {error}{err}");
            for cause in err.chain().skip(1) {
                eprintln!("  {caused_by}{cause}");
            }
            ExitCode::from(exit_code(&err))
        }
    }
}
