//! The `xuanti` command: glue between the command line and the library.

mod cmd;

use std::process::ExitCode;

use clap::Parser;

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
    // Ctrl-C: remove the temporary file of an output being written, then stop (exit 130,
    // as shells report an interrupt), so no partial output is left behind.
    let _ = ctrlc::set_handler(|| {
        xuanti::write::remove_pending_files();
        eprintln!("xuanti: interrupted; no output written");
        std::process::exit(130);
    });
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `xuanti rank big.csv | head` closes the pipe early: that is not an error.
            if err.chain().any(is_broken_pipe) {
                return ExitCode::SUCCESS;
            }
            eprintln!("xuanti: error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(exit_code(&err))
        }
    }
}
