/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.registration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Predicate;

import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.Durations;
import io.etcddiscovery.etcd.EtcdCalls;
import io.etcddiscovery.etcd.EtcdErrors;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.etcd.SerialExecutor;
import io.etcddiscovery.registration.LeaseKeeper.Lease;
import io.etcddiscovery.registration.RegistrationState.Phase;
import io.etcddiscovery.registration.RegistrationStore.ExistingKey;
import io.etcddiscovery.registration.RegistrationStore.RegisteredKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The state machine of one {@link InstanceRegistrar}: what it holds in etcd (the lease,
 * the key and its create revision, the value), and what it does on each event (an
 * attempt, a failure, a lost lease or key, an ended watch, a new status, a withdrawal).
 * Every method runs on the registrar's {@link SerialExecutor}; only {@link #state()} and
 * the counters are read from other threads.
 * <p>
 * Phases: {@code NOT_REGISTERED} until the first attempt, {@code REGISTERED} while the
 * key is in etcd, {@code RETRYING} (or {@code CONFLICT} while another process holds the
 * key) between a failure or a loss and the next successful attempt, {@code DEREGISTERED}
 * once withdrawn.
 *
 * @author etcd-discovery authors
 */
final class RegistrationMachine implements OwnKeyWatch.Events {

	private static final Log logger = LogFactory.getLog(InstanceRegistrar.class);

	final RegistrationStore store;

	final KeyLayout keyLayout;

	private final Backoff backoff;

	final Clock clock;

	final NamingFormat codec = new NamingFormat();

	final SerialExecutor executor;

	final LeaseKeeper leases;

	final RegistrationReport report = new RegistrationReport();

	private final Withdrawal withdrawal;

	volatile boolean stopping;

	// Withdrawn on request until registered again: nothing heals it.
	volatile boolean deregistered;

	volatile @Nullable ServiceRegistration published;

	// Fields below are only touched on the executor.

	@Nullable ServiceRegistration registration;

	@Nullable String key;

	byte @Nullable [] value;

	@Nullable Instant registeredAt;

	@Nullable Lease lease;

	long createRevision;

	FormerKey former = FormerKey.NONE;

	@Nullable OwnKeyWatch keyWatch;

	private @Nullable ScheduledFuture<?> retry;

	int failures;

	RegistrationMachine(RegistrationStore store, KeyLayout keyLayout, Duration ttl, Backoff backoff, Clock clock,
			SerialExecutor executor) {
		this.store = store;
		this.keyLayout = keyLayout;
		this.backoff = backoff;
		this.clock = clock;
		this.executor = executor;
		this.leases = new LeaseKeeper(store, ttl, clock, executor, this::leaseLost);
		this.withdrawal = new Withdrawal(store, executor);
	}

	RegistrationState state() {
		return this.report.state();
	}

	void init(ServiceRegistration registration) {
		this.registration = registration;
		this.published = registration;
		this.key = keyOf(registration);
		publishState();
	}

	String keyOf(ServiceRegistration registration) {
		return registration.key(this.keyLayout);
	}

	/**
	 * Attempt to register, as one task of the executor that holds it until etcd has
	 * answered ({@link SerialExecutor#submitAsync}): no other event of this registrar is
	 * handled meanwhile, and no thread waits.
	 * @param rethrow whether a failure fails the returned future instead of being retried
	 * @return completes when the attempt is over
	 */
	CompletableFuture<Void> attempt(boolean rethrow) {
		this.retry = null;
		if (this.stopping || this.deregistered || this.registration == null) {
			return CompletableFuture.completedFuture(null);
		}
		return registerWithLiveLease().handle((registered, failure) -> {
			if (failure == null) {
				return CompletableFuture.<Void>completedFuture(null);
			}
			RuntimeException ex = runtime(failure);
			if (this.stopping && !rethrow) {
				return CompletableFuture.<Void>completedFuture(null);
			}
			this.failures++;
			if (rethrow) {
				publishState(Phase.RETRYING, ex);
				return CompletableFuture.<Void>failedFuture(ex);
			}
			Duration delay = scheduleRetry(ex);
			if (ex instanceof InstanceIdConflictException) {
				logFirst("%s. Waiting for that key to expire or be withdrawn, retrying in %s; give each process "
					.formatted(ex.getMessage(), Durations.format(delay)) + "its own 'discovery.instance-id'.");
			}
			else {
				logFirst(
						"Could not register %s in etcd (%s). The application keeps running; retrying in %s, with backoff"
							.formatted(this.key, ex.getMessage(), Durations.format(delay)));
			}
			return CompletableFuture.<Void>completedFuture(null);
		}).thenCompose((outcome) -> outcome);
	}

	CompletableFuture<Void> registerWithLiveLease() {
		return register().exceptionallyCompose((failure) -> {
			if (!EtcdErrors.isLeaseNotFound(failure) || this.stopping) {
				return CompletableFuture.failedFuture(failure);
			}
			// The lease is gone (revoked, expired, etcd wiped) and the keep-alive stream
			// has not said so yet: a lease loss all the same; start over with a new one.
			Lease lost = this.lease;
			if (lost != null) {
				countLeaseLoss(lost, "expired or revoked");
			}
			dropLease();
			return register();
		});
	}

	private CompletableFuture<Void> register() {
		ServiceRegistration current = this.registration;
		String target = this.key;
		Assert.state(current != null && target != null, "Not started");
		Lease held = this.lease;
		CompletableFuture<Lease> leased = (held != null) ? CompletableFuture.completedFuture(held)
				: this.leases.grant().thenApply((granted) -> {
					if (this.stopping) {
						// Withdrawn meanwhile: nothing may hold this lease.
						granted.close();
						this.store.revokeAsync(granted.id(), this.store.getRequestTimeout());
						throw new RegistrationException("Stopping");
					}
					this.lease = granted;
					return granted;
				});
		return leased.thenCompose((active) -> {
			byte[] encoded = this.value;
			if (this.createRevision == 0 || encoded == null) {
				Instant now = this.clock.instant();
				this.registeredAt = now;
				encoded = this.codec.encode(current, now);
				this.value = encoded;
			}
			Predicate<ExistingKey> isOwn = this.former.isOwn(this.createRevision);
			return this.store
				.registerAsync(target, current.otherKey(this.keyLayout, target), encoded, active.id(), isOwn,
						callTimeout())
				.thenAccept((registered) -> registered(target, active, active == held, registered));
		});
	}

	private void registered(String target, Lease active, boolean heldBefore, RegisteredKey registered) {
		if (heldBefore) {
			// etcd took the key with this lease: it is alive, whatever the keep-alive's
			// own deadline says after a time without replies.
			active.resumeKeepAlive();
		}
		boolean newKey = registered.createRevision() != this.createRevision;
		this.createRevision = registered.createRevision();
		OwnKeyWatch watch = this.keyWatch;
		if (watch == null || !watch.follows(target, registered.createRevision())) {
			watchKey(registered.createRevision(), registered.revision() + 1);
		}
		releaseFormerLease(active.id());
		int failed = this.failures;
		this.failures = 0;
		this.report.registered(target, active.id(), active.ttlSeconds(), newKey, failed);
		publishState(Phase.REGISTERED, null);
	}

	/**
	 * Publish another status.
	 * @param status the status
	 */
	void writeStatus(InstanceStatus status) {
		ServiceRegistration current = this.registration;
		if (current == null || current.status() == status) {
			return;
		}
		InstanceStatus previous = current.status();
		ServiceRegistration changed = current.withStatus(status);
		this.registration = changed;
		this.published = changed;
		this.value = (this.registeredAt != null) ? this.codec.encode(changed, this.registeredAt) : null;
		String target = keyOf(changed);
		Lease lease = this.lease;
		byte[] value = this.value;
		if (lease == null || this.createRevision == 0 || value == null) {
			// Not registered: the next attempt registers under the new key.
			if (!target.equals(this.key)) {
				closeKeyWatch();
				this.key = target;
			}
			publishState();
			return;
		}
		publishState();
		this.report.statusChanges.incrementAndGet();
		if (target.equals(this.key)) {
			logger.info("Status of %s changed from %s to %s".formatted(this.key, previous, status));
			updateStatus(target, value, lease, status);
		}
		else {
			moveKey(target, value, lease, previous, status);
		}
	}

	private void updateStatus(String key, byte[] value, Lease lease, InstanceStatus status) {
		try {
			if (!this.store.update(key, value, lease.id(), this.createRevision, callTimeout())) {
				keyLost(null, "it was deleted or replaced");
			}
		}
		catch (RuntimeException ex) {
			// The key keeps its old status until the next attempt succeeds.
			logger.warn("Could not publish status %s of %s (%s): retrying".formatted(status, key, ex.getMessage()));
			scheduleRetry(ex);
		}
	}

	private void moveKey(String target, byte[] value, Lease lease, InstanceStatus previous, InstanceStatus status) {
		String from = this.key;
		logger.info("Status of %s changed from %s to %s: moving it to %s%s".formatted(from, previous, status, target,
				(status == InstanceStatus.UP) ? " (Go clients call it again)" : " (Go clients stop calling it)"));
		// The old key's watch would report the move as a deletion.
		closeKeyWatch();
		this.key = target;
		RegisteredKey moved;
		try {
			moved = this.store.move(String.valueOf(from), target, value, lease.id(), this.createRevision,
					callTimeout());
		}
		catch (RuntimeException ex) {
			// Moved or not, the next attempt registers under the new key and deletes this
			// process's old one.
			logger.warn("Could not move %s to %s (%s): retrying".formatted(from, target, ex.getMessage()));
			this.createRevision = 0;
			scheduleRetry(ex);
			return;
		}
		if (moved == null) {
			logger.warn("Key %s was lost (it was deleted or replaced): registering %s again".formatted(from, target));
			keyLostByMove();
			return;
		}
		this.createRevision = moved.createRevision();
		watchKey(moved.createRevision(), moved.revision() + 1);
		publishState();
	}

	private static RuntimeException runtime(Throwable failure) {
		Throwable cause = EtcdCalls.unwrap(failure);
		return (cause instanceof RuntimeException runtime) ? runtime
				: new RegistrationException("Registration failed: " + EtcdErrors.describe(cause), cause);
	}

	/**
	 * Withdraw the instance, as one task of the executor that holds it until the lease is
	 * released: no thread waits for etcd nor for the drain delay.
	 * @param drainDelay how long to wait between deleting the key and revoking the lease
	 * @return completes when the lease is released
	 */
	CompletableFuture<Void> withdraw(Duration drainDelay) {
		cancelRetry();
		closeKeyWatch();
		Lease active = this.lease;
		String current = this.key;
		long held = this.createRevision;
		this.lease = null;
		this.createRevision = 0;
		if (active == null && held == 0) {
			publishState(Phase.DEREGISTERED, null);
			return CompletableFuture.completedFuture(null);
		}
		return this.withdrawal.withdraw(current, held, active, drainDelay).thenAccept((outcome) -> {
			publishState(Phase.DEREGISTERED, null);
			logger.info("Deregistered %s: %s".formatted(current, outcome.describe()));
		});
	}

	void watchKey(long createRevision, long fromRevision) {
		closeKeyWatch();
		String current = this.key;
		Assert.state(current != null, "Not started");
		this.keyWatch = OwnKeyWatch.start(this.store, current, createRevision, fromRevision, this.executor, this);
	}

	private void leaseLost(Lease lost, String reason) {
		if (this.stopping || this.lease != lost) {
			return;
		}
		countLeaseLoss(lost, reason);
		dropLease();
		reconcileNow();
	}

	void countLeaseLoss(Lease lost, String reason) {
		this.report.leaseLosses.incrementAndGet();
		logger.warn("Lease %s of %s was lost (%s): registering again".formatted(Long.toHexString(lost.id()), this.key,
				reason));
	}

	/*
	 * The key is gone: because its lease ended (expired or revoked, which etcd tells
	 * apart from nothing else), or because someone deleted it while the lease lives.
	 */
	void keyGone(@Nullable OwnKeyWatch watch, boolean deleted) {
		if (this.stopping || (watch != null && this.keyWatch != watch) || this.createRevision == 0) {
			return;
		}
		String how = deleted ? "deleted by someone else" : "found missing by the heartbeat";
		Lease active = this.lease;
		if (active == null) {
			keyLost(watch, how);
			return;
		}
		long ttl;
		try {
			ttl = this.store.timeToLive(active.id(), callTimeout());
		}
		catch (RuntimeException ex) {
			// Cannot tell: putting the key again tells, and counts a lost lease then.
			keyLost(watch, (deleted ? "deleted by someone else or with its lease" : how)
					+ "; the lease could not be checked: " + ex.getMessage());
			return;
		}
		if (ttl <= 0) {
			leaseLost(active, "expired or revoked; its key was deleted with it");
		}
		else {
			keyLost(watch, deleted ? how + "; lease " + Long.toHexString(active.id()) + " is alive" : how);
		}
	}

	/*
	 * How long a call made for the current lease may wait: the request timeout, or what
	 * the lease has left if that is less.
	 */
	Duration callTimeout() {
		return LeaseKeeper.callTimeout(this.lease, this.store.getRequestTimeout());
	}

	void dropLease() {
		Lease lost = this.lease;
		if (lost == null) {
			return;
		}
		lost.close();
		this.lease = null;
		if (this.createRevision != 0) {
			// The key may outlive the lost lease (etcd unreachable): recognise it as
			// ours.
			this.former = FormerKey.lease(lost.id(), this.createRevision);
		}
		this.createRevision = 0;
		closeKeyWatch();
		publishState(Phase.RETRYING, null);
	}

	void keyLost(@Nullable OwnKeyWatch watch, String reason) {
		if (this.stopping || (watch != null && this.keyWatch != watch) || this.createRevision == 0) {
			return;
		}
		logger.warn("Key %s was lost (%s): registering again".formatted(this.key, reason));
		this.former = this.former.key(this.createRevision);
		this.createRevision = 0;
		closeKeyWatch();
		publishState(Phase.RETRYING, null);
		reconcileNow();
	}

	private void watchEnded(OwnKeyWatch watch, String reason) {
		if (this.stopping || this.keyWatch != watch) {
			return;
		}
		logger.debug("Watch of %s ended (%s): checking the key and watching again".formatted(this.key, reason));
		closeKeyWatch();
		// Give a failing etcd a moment; the check re-creates the watch.
		scheduleAttempt(this.backoff.delay(1));
	}

	void keyLostByMove() {
		this.former = this.former.key(this.createRevision);
		this.createRevision = 0;
		publishState(Phase.RETRYING, null);
		reconcileNow();
	}

	/*
	 * Revoke the lease lost before once the registration holds with another one, and
	 * forget it.
	 */
	void releaseFormerLease(long currentLeaseId) {
		FormerKey previous = this.former;
		if (!previous.isReplacedBy(currentLeaseId)) {
			return;
		}
		this.former = FormerKey.NONE;
		long lost = previous.leaseId();
		this.store.revokeAsync(lost, callTimeout()).whenComplete((revoked, failure) -> {
			if (failure != null && logger.isDebugEnabled()) {
				// Most likely expired already; otherwise it expires by itself.
				logger.debug("Could not revoke lost lease %s: %s".formatted(Long.toHexString(lost),
						EtcdCalls.unwrap(failure).getMessage()));
			}
		});
	}

	void reconcileNow() {
		cancelRetry();
		attemptNext();
	}

	/**
	 * Attempt to register as the executor's next task.
	 */
	void attemptNext() {
		try {
			this.executor.submitAsync(() -> attempt(false));
		}
		catch (RejectedExecutionException ex) {
			// Stopped.
		}
	}

	Duration scheduleRetry(RuntimeException ex) {
		Duration delay = this.backoff.delay(Math.max(1, this.failures));
		Duration rescue = this.leases.ttl().dividedBy(2);
		if (this.former.holdsLease() && delay.compareTo(rescue) > 0) {
			// The old key may still be in etcd: when etcd answers again, a new leader
			// gives its lease about one more TTL. Retry in time to re-bind it instead of
			// letting it expire under a live instance.
			delay = rescue;
		}
		publishState((ex instanceof InstanceIdConflictException) ? Phase.CONFLICT : Phase.RETRYING, ex);
		scheduleAttempt(delay);
		return delay;
	}

	private void scheduleAttempt(Duration delay) {
		cancelRetry();
		if (!this.stopping) {
			try {
				this.retry = this.executor.schedule(this::attemptNext, delay);
			}
			catch (RejectedExecutionException ex) {
				// The context is closing.
			}
		}
	}

	void cancelRetry() {
		ScheduledFuture<?> pending = this.retry;
		if (pending != null) {
			pending.cancel(false);
			this.retry = null;
		}
	}

	void closeKeyWatch() {
		OwnKeyWatch watch = this.keyWatch;
		this.keyWatch = null;
		if (watch != null) {
			watch.close();
		}
	}

	private void logFirst(String message) {
		if (this.failures == 1) {
			logger.warn(message);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message + " (attempt " + this.failures + ")");
		}
	}

	void publishState() {
		publishState(state().phase(), null);
	}

	void publishState(Phase phase, @Nullable Throwable failure) {
		Lease active = this.lease;
		ServiceRegistration current = this.registration;
		InstanceStatus status = (current != null) ? current.status() : InstanceStatus.STARTING;
		String lastError = (failure != null) ? failure.getMessage()
				: (phase == Phase.REGISTERED) ? null : state().lastError();
		this.report.publish(new RegistrationState(phase, this.key, (active != null) ? active.id() : 0,
				(active != null) ? active.ttlSeconds() : 0, status,
				(this.createRevision != 0) ? this.registeredAt : null, null, this.failures, lastError));
	}

	@Override
	public void deleted(OwnKeyWatch watch) {
		keyGone(watch, true);
	}

	@Override
	public void lost(OwnKeyWatch watch, String reason) {
		keyLost(watch, reason);
	}

	@Override
	public void ended(OwnKeyWatch watch, String reason) {
		watchEnded(watch, reason);
	}

}
