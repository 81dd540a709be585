//! Command-line arguments.

use assent_config::{GenerateSpec, Mode, RpSpec};

pub const USAGE: &str = "\
Generates a fresh Assent edge configuration: new P-256 keys (VAPID, receipts, secure
channel), an API key per relying party and a webhook secret per webhook URL.

Usage:
  assent-keygen --edge-origin ORIGIN --rp ID:NAME:MODE:ORIGIN[,ORIGIN...] [--rp ...]
                [--webhook ID=URL]... [--vapid-subject URI] [--allow-loopback]
                [--dev-vars | --secrets-json]

  --edge-origin ORIGIN   the edge's serialized origin, e.g. https://assent.example.com
  --rp SPEC              a relying party: id ([a-z0-9-]{1,32}), display name (no ':'),
                         mode (gateway | secure) and its origins, comma-separated
  --webhook ID=URL       the RP's webhook URL; a webhook secret is generated for it
  --vapid-subject URI    VAPID contact (mailto: or https:); default: the edge origin
  --allow-loopback       set ASSENT_ALLOW_LOOPBACK_PUSH=1 (local runs and tests only)
  --dev-vars             print a .dev.vars file for `wrangler dev` (implies
                         --allow-loopback); the RP credentials go to stderr
  --secrets-json         print a JSON object for `npx wrangler secret bulk FILE`; the RP
                         credentials go to stderr
  --credentials-env FILE also write the RP credentials to FILE (mode 600) as dotenv lines
                         ASSENT_EDGE_URL, ASSENT_API_KEY_<ID>, ASSENT_WEBHOOK_SECRET_<ID>
                         (ID upper-cased, '-' as '_'), for an RP backend such as the demo
  -h, --help             this text

Default output: the `npx wrangler secret put` command and value for each variable, then
the RP credentials. Credentials are shown once: the edge keeps only each API key's SHA-256.
";

/// What to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Instructions for an operator.
    Operator,
    /// A `.dev.vars` file.
    DevVars,
    /// A JSON object for `wrangler secret bulk`.
    SecretsJson,
}

/// The parsed command line.
#[derive(Debug)]
pub enum Command {
    /// Print the usage text.
    Help,
    /// Generate.
    Generate {
        /// What to generate.
        spec: GenerateSpec,
        /// What to print.
        output: Output,
        /// Where to write the RP credentials as dotenv lines, if anywhere.
        credentials_env: Option<String>,
    },
}

/// Parses the arguments (without the program name).
pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut edge_origin = None;
    let mut vapid_subject = None;
    let mut allow_loopback_push = false;
    let mut output = Output::Operator;
    let mut relying_parties: Vec<RpSpec> = Vec::new();
    let mut webhooks: Vec<(String, String)> = Vec::new();
    let mut credentials_env = None;

    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--edge-origin" => edge_origin = Some(value(arg)?),
            "--vapid-subject" => vapid_subject = Some(value(arg)?),
            "--rp" => relying_parties.push(parse_rp(&value(arg)?)?),
            "--webhook" => {
                let spec = value(arg)?;
                let (id, url) = spec
                    .split_once('=')
                    .ok_or_else(|| format!("--webhook {spec:?}: expected ID=URL"))?;
                webhooks.push((id.to_owned(), url.to_owned()));
            }
            "--allow-loopback" => allow_loopback_push = true,
            "--credentials-env" => credentials_env = Some(value(arg)?),
            "--dev-vars" => output = set_output(output, Output::DevVars)?,
            "--secrets-json" => output = set_output(output, Output::SecretsJson)?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }

    let edge_origin = edge_origin.ok_or("--edge-origin is required")?;
    if relying_parties.is_empty() {
        return Err("at least one --rp is required".into());
    }
    for (id, url) in webhooks {
        let rp = relying_parties
            .iter_mut()
            .find(|rp| rp.id == id)
            .ok_or_else(|| format!("--webhook names {id:?}, which no --rp defines"))?;
        if rp.webhook_url.replace(url).is_some() {
            return Err(format!("--webhook given twice for {id:?}"));
        }
    }
    if output == Output::DevVars {
        allow_loopback_push = true;
    }
    Ok(Command::Generate {
        spec: GenerateSpec {
            edge_origin,
            vapid_subject,
            allow_loopback_push,
            relying_parties,
        },
        output,
        credentials_env,
    })
}

fn set_output(current: Output, wanted: Output) -> Result<Output, String> {
    if current == Output::Operator || current == wanted {
        Ok(wanted)
    } else {
        Err("--dev-vars and --secrets-json exclude each other".into())
    }
}

/// `ID:NAME:MODE:ORIGIN[,ORIGIN...]`. Origins contain ':' themselves, so the first three
/// colons split and the rest is the origin list.
fn parse_rp(spec: &str) -> Result<RpSpec, String> {
    let mut parts = spec.splitn(4, ':');
    let (Some(id), Some(name), Some(mode), Some(origins)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format!(
            "--rp {spec:?}: expected ID:NAME:MODE:ORIGIN[,ORIGIN...]"
        ));
    };
    let mode = Mode::from_name(mode)
        .ok_or_else(|| format!("--rp {spec:?}: mode {mode:?} is not gateway or secure"))?;
    Ok(RpSpec {
        id: id.to_owned(),
        name: name.to_owned(),
        mode,
        origins: origins.split(',').map(str::to_owned).collect(),
        webhook_url: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn rp_specs_split_on_the_first_three_colons() {
        let rp =
            parse_rp("demo:Example Bank:gateway:http://localhost:8787,https://b.example").unwrap();
        assert_eq!(rp.id, "demo");
        assert_eq!(rp.name, "Example Bank");
        assert_eq!(rp.mode, Mode::Gateway);
        assert_eq!(rp.origins, ["http://localhost:8787", "https://b.example"]);
        assert!(parse_rp("demo:Example Bank:gateway").is_err());
        assert!(parse_rp("demo:Example Bank:push:https://b.example").is_err());
    }

    #[test]
    fn command_lines() {
        let Command::Generate { spec, output, .. } = parse(&args(&[
            "--edge-origin",
            "http://localhost:8787",
            "--rp",
            "demo:Example Bank:gateway:http://localhost:8787",
            "--webhook",
            "demo=http://127.0.0.1:9000/hook",
            "--dev-vars",
        ]))
        .unwrap() else {
            panic!("not a generate command")
        };
        assert_eq!(output, Output::DevVars);
        assert!(spec.allow_loopback_push);
        assert_eq!(
            spec.relying_parties[0].webhook_url.as_deref(),
            Some("http://127.0.0.1:9000/hook")
        );

        for bad in [
            &["--rp", "demo:D:gateway:https://b.example"][..],
            &["--edge-origin", "https://a.example"],
            &["--edge-origin"],
            &[
                "--edge-origin",
                "https://a.example",
                "--rp",
                "x:X:secure:https://b.example",
                "--webhook",
                "y=https://b.example/h",
            ],
            &[
                "--edge-origin",
                "https://a.example",
                "--rp",
                "x:X:secure:https://b.example",
                "--dev-vars",
                "--secrets-json",
            ],
            &["--bogus"],
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad:?}");
        }
        assert!(matches!(parse(&args(&["--help"])), Ok(Command::Help)));
    }
}
