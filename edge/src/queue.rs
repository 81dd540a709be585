//! The one Queue and its consumer: webhook deliveries (SPEC §9) and push retries (SPEC §6).

use serde::{Deserialize, Serialize};
use worker::{Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder};

use crate::notifier::{self, Target};
use crate::{config, webhooks};

/// A job on the Queue.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    Webhook(webhooks::Delivery),
    Push(Target),
}

/// Queues `job` after `delay_seconds` (0: now); a failure is logged.
pub async fn send(env: &Env, job: &Job, delay_seconds: u32) -> worker::Result<()> {
    let queue = env.queue("WEBHOOKS")?;
    let message = worker::MessageBuilder::new(job)
        .delay_seconds(delay_seconds)
        .build();
    queue.send(message).await
}

/// Pushes `target` again after `delay_seconds`.
pub async fn push_later(env: &Env, target: Target, delay_seconds: u32) {
    if let Err(e) = send(env, &Job::Push(target), delay_seconds).await {
        worker::console_error!("push retry: could not queue: {e}");
    }
}

/// The Queue consumer.
pub async fn consume(batch: MessageBatch<Job>, env: Env) -> worker::Result<()> {
    let Ok(config) = config::load(&env) else {
        // Misconfigured: let the runtime retry; the log names the problem.
        batch.retry_all_with_options(
            &QueueRetryOptionsBuilder::new()
                .with_delay_seconds(60)
                .build(),
        );
        return Ok(());
    };
    for message in batch.messages()? {
        let settled = match message.body() {
            Job::Webhook(delivery) => webhooks::deliver(&env, &config, delivery).await,
            Job::Push(target) => {
                notifier::retry(&env, &config, target.clone()).await;
                true
            }
        };
        if settled {
            // Failures were re-queued with their own delay (and attempt count) above.
            message.ack();
        } else {
            // Not delivered and not re-queued: the runtime delivers this message again (its
            // own retries, then the dead-letter queue), so the event is not lost.
            message.retry_with_options(
                &QueueRetryOptionsBuilder::new()
                    .with_delay_seconds(30)
                    .build(),
            );
        }
    }
    Ok(())
}
