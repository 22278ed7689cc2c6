//! `guichet sandbox --port P`: the sandbox networks alone, seeded with the
//! demo inbox, for trying connectors and `guichet sync` by hand. Prints
//! each network's base URL and a ready `[[accounts]]` block, then serves
//! until Ctrl-C.

use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;

use super::args::SandboxArgs;
use super::session::sandbox_accounts;
use crate::config::TokenSource;
use crate::sandbox::Sandbox;

pub fn run(args: &SandboxArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let items = crate::demo::demo_items(Utc::now());
        let sandbox = Sandbox::start_on(args.port, &crate::demo::accounts(), &items)
            .await
            .with_context(|| format!("cannot serve the sandbox on 127.0.0.1:{}", args.port))?;
        println!("{}", accounts_block(&sandbox));
        println!("# serving on http://{} · Ctrl-C stops", sandbox.addr);
        tokio::signal::ctrl_c()
            .await
            .context("cannot wait for Ctrl-C")?;
        Ok(ExitCode::SUCCESS)
    })
}

/// The `config.toml` lines that point guichet at this sandbox, with the
/// `export` lines for their tokens (sandbox tokens, not secrets).
pub fn accounts_block(sandbox: &Sandbox) -> String {
    let mut out = String::from("# Add to config.toml:\n");
    let mut exports = String::new();
    for account in sandbox_accounts(sandbox) {
        let var = format!(
            "GUICHET_SANDBOX_{}",
            account.network.as_str().to_uppercase()
        );
        out.push_str(&format!(
            "[[accounts]]\nnetwork = \"{}\"\nhandle = \"{}\"\nbase_url = \"{}\"\ntoken_env = \"{var}\"\n\n",
            account.network.as_str(),
            account.handle,
            account.base_url,
        ));
        if let TokenSource::Fixed(token) = &account.token {
            exports.push_str(&format!("export {var}='{token}'\n"));
        }
    }
    out.push_str("# and in the shell (sandbox tokens, not secrets):\n");
    out.push_str(&exports);
    out
}
