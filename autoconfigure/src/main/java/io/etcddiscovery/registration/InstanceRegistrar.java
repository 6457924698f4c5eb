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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.Durations;
import io.etcddiscovery.etcd.EtcdCallException;
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

import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.Assert;

/**
 * Keeps this instance registered: grants a lease, puts the instance's key bound to it,
 * keeps the lease alive ({@link LeaseKeeper}), watches the key ({@link OwnKeyWatch}), and
 * registers again, forever and with backoff, whenever the lease or the key is lost. On
 * stop it withdraws the key, waits for clients to notice, and revokes the lease
 * ({@link Withdrawal}).
 * <p>
 * The key follows the status ({@link KeyLayout#keyFor}): an instance that stops being UP
 * is moved, in one transaction and with the same lease, to its parked key, where Go
 * clients do not see it, and back when it is UP again. Everything that guards the key
 * (the own-key watch, the health check loop's check, conflict detection, withdrawal)
 * follows the current key.
 * <p>
 * The registrar is the state machine of the registration and the only owner of its state:
 * the lease, the key, its create revision and value, what was held before a loss
 * ({@link FormerKey}), the phase and the failures. Its collaborators hold no part of it:
 * the {@link RegistrationStore} answers calls, {@link LeaseKeeper} and
 * {@link OwnKeyWatch} report events, {@link Withdrawal} returns what it did. The state is
 * confined to one {@link SerialExecutor} on the shared {@link TaskScheduler}: one task at
 * a time, on whichever worker is free; the store's callbacks only hand events to it. The
 * public methods may be called from any thread and hand their work to that executor.
 * <p>
 * Phases: {@code NOT_REGISTERED} until the first attempt, {@code REGISTERED} while the
 * key is in etcd, {@code RETRYING} (or {@code CONFLICT} while another process holds the
 * key) between a failure or a loss and the next successful attempt, {@code DEREGISTERED}
 * once withdrawn.
 *
 * @author etcd-discovery authors
 */
public final class InstanceRegistrar {

	private static final Log logger = LogFactory.getLog(InstanceRegistrar.class);

	private final RegistrationStore store;

	private final KeyLayout keyLayout;

	private final Backoff backoff;

	private final Clock clock;

	private final NamingFormat codec = new NamingFormat();

	private final SerialExecutor executor;

	private final LeaseKeeper leases;

	private final Withdrawal withdrawal;

	private final List<Consumer<RegistrationState>> listeners = new CopyOnWriteArrayList<>();

	private final AtomicLong leaseLosses = new AtomicLong();

	private final AtomicLong reRegistrations = new AtomicLong();

	private final AtomicLong statusChanges = new AtomicLong();

	private final CompletableFuture<Void> stopped = new CompletableFuture<>();

	// Written on the executor, read from any thread: the state swapped whole, so that
	// readers see one consistent snapshot.
	private volatile RegistrationState state = RegistrationState.initial();

	private volatile @Nullable ServiceRegistration published;

	// Set once by stopAsync(), on the caller's thread: from then on nothing registers.
	private volatile boolean stopping;

	// Withdrawn on request until registered again: nothing heals it.
	private volatile boolean deregistered;

	// Fields below are only touched on the executor.

	private @Nullable ServiceRegistration registration;

	private @Nullable String key;

	private byte @Nullable [] value;

	private @Nullable Instant registeredAt;

	private @Nullable Lease lease;

	private long createRevision;

	private FormerKey former = FormerKey.NONE;

	private @Nullable OwnKeyWatch keyWatch;

	private @Nullable ScheduledFuture<?> retry;

	private int failures;

	private boolean everRegistered;

	/**
	 * Create a new registrar.
	 * @param store where registrations are kept
	 * @param keyLayout where keys live
	 * @param ttl the lease TTL to request
	 * @param backoff the delays between attempts
	 * @param clock the clock for timestamps
	 * @param scheduler the threads to run on
	 */
	public InstanceRegistrar(RegistrationStore store, KeyLayout keyLayout, Duration ttl, Backoff backoff, Clock clock,
			TaskScheduler scheduler) {
		Assert.notNull(store, "'store' must not be null");
		Assert.notNull(keyLayout, "'keyLayout' must not be null");
		Assert.notNull(ttl, "'ttl' must not be null");
		Assert.notNull(backoff, "'backoff' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		Assert.notNull(scheduler, "'scheduler' must not be null");
		this.store = store;
		this.keyLayout = keyLayout;
		this.backoff = backoff;
		this.clock = clock;
		this.executor = new SerialExecutor("registration", scheduler);
		this.leases = new LeaseKeeper(store, ttl, clock, this.executor, new LeaseEvents());
		this.withdrawal = new Withdrawal(store, this.executor);
	}

	/**
	 * Start registering in the background: the first attempt is made at once, and failed
	 * attempts are retried with backoff until one succeeds.
	 * @param registration what to register
	 */
	public void start(ServiceRegistration registration) {
		submitAsync(() -> {
			init(registration);
			return attempt(false);
		});
	}

	/**
	 * Register now and fail if the first attempt fails. Afterwards the registration is
	 * kept and healed in the background as with {@link #start}.
	 * @param registration what to register
	 * @throws RegistrationException if the first attempt failed, naming the store's
	 * endpoints ({@link RegistrationStore#getEndpoints()})
	 */
	public void startAndWait(ServiceRegistration registration) {
		CompletableFuture<Void> first = this.executor.submitAsync(() -> {
			init(registration);
			return attempt(true);
		});
		try {
			first.get(this.store.getRequestTimeout().toMillis() * 6, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof InstanceIdConflictException conflict) {
				// Another process, not etcd, is in the way.
				throw conflict;
			}
			if (cause instanceof RegistrationException || cause instanceof EtcdCallException) {
				throw new RegistrationException(String.valueOf(cause.getMessage()), cause, this.store.getEndpoints());
			}
			throw new RegistrationException("Registration failed: " + EtcdErrors.describe(ex), ex,
					this.store.getEndpoints());
		}
		catch (TimeoutException ex) {
			first.cancel(true);
			throw new RegistrationException("Registration did not finish in time", null, this.store.getEndpoints());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RegistrationException("Registration was interrupted", null, this.store.getEndpoints());
		}
	}

	/**
	 * Withdraw this instance on request while the application keeps running: delete the
	 * key, revoke the lease, and stop healing the registration until
	 * {@link #registerAgain()} is called. Waits for the withdrawal, at most a few request
	 * timeouts; does nothing before the application is ready or once stopping.
	 */
	public void deregister() {
		if (this.stopping) {
			return;
		}
		this.deregistered = true;
		CompletableFuture<Void> withdrawn = this.executor.submitAsync(
				() -> (this.registration != null) ? withdraw(Duration.ZERO) : CompletableFuture.completedFuture(null));
		await(withdrawn, this.store.getRequestTimeout().toMillis() * 4, "Deregistration");
	}

	/**
	 * Register again after {@link #deregister()}, in the background and with backoff as
	 * at start-up. Does nothing if the instance was not deregistered on request.
	 */
	public void registerAgain() {
		submitAsync(() -> {
			if (!this.deregistered) {
				return CompletableFuture.completedFuture(null);
			}
			this.deregistered = false;
			this.failures = 0;
			return attempt(false);
		});
	}

	/**
	 * Return whether this instance was withdrawn on request by {@link #deregister()}.
	 * @return whether it is deregistered until {@link #registerAgain()}
	 */
	public boolean isDeregistered() {
		return this.deregistered;
	}

	/**
	 * Add a listener of the registration's phase: called on the registrar's executor each
	 * time the phase changes (for example to {@code REGISTERED}), one call at a time. It
	 * must return quickly and hand any real work to an executor of its own.
	 * @param listener the listener
	 */
	public void addStateListener(Consumer<RegistrationState> listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.listeners.add(listener);
	}

	/**
	 * Publish another status, keeping the same key and lease.
	 * @param status the status
	 */
	public void setStatus(InstanceStatus status) {
		submit(() -> writeStatus(status));
	}

	/**
	 * Publish other metadata, keeping the same key and lease: each entry given with a
	 * value is set, each given with {@code null} removed, the others are kept. The change
	 * lasts until the application stops (a new registration, after a lease loss, keeps
	 * it); the next start publishes the configured metadata again.
	 * @param changes the entries to set or remove
	 */
	public void setMetadata(Map<String, @Nullable String> changes) {
		Assert.notNull(changes, "'changes' must not be null");
		Map<String, @Nullable String> copy = new LinkedHashMap<>(changes);
		submit(() -> writeMetadata(copy));
	}

	/**
	 * Return a snapshot of the registration.
	 * @return the state
	 */
	public RegistrationState getState() {
		RegistrationState current = this.state;
		return new RegistrationState(current.phase(), current.key(), current.leaseId(), current.ttlSeconds(),
				current.status(), current.registeredAt(), (current.leaseId() != 0) ? this.leases.lastRenewal() : null,
				current.consecutiveFailures(), current.lastError());
	}

	/**
	 * Check that this instance's key is still in etcd and still this process's, and
	 * register again if it is not. Used by the {@link HealthCheckLoop}.
	 * @return a future that completes when the check is done, exceptionally with a
	 * {@link RegistrationException} when the key could not be confirmed
	 */
	public CompletableFuture<Void> verify() {
		if (this.stopping) {
			return CompletableFuture.failedFuture(new RegistrationException("Stopping"));
		}
		CompletableFuture<Void> result = this.executor.submit(() -> {
			verifyKey();
			return null;
		});
		if (this.stopping) {
			result.completeExceptionally(new RegistrationException("Stopping"));
		}
		return result;
	}

	/**
	 * Return what this instance publishes, once the application is ready.
	 * @return the registration, or {@code null} before the application is ready
	 */
	public @Nullable ServiceRegistration getRegistration() {
		return this.published;
	}

	/**
	 * Return how many times the lease was lost since start.
	 * @return the number of lease losses
	 */
	public long getLeaseLosses() {
		return this.leaseLosses.get();
	}

	/**
	 * Return how many times this instance registered again after a loss.
	 * @return the number of re-registrations
	 */
	public long getReRegistrations() {
		return this.reRegistrations.get();
	}

	/**
	 * Return how many times the published status changed.
	 * @return the number of status changes
	 */
	public long getStatusChanges() {
		return this.statusChanges.get();
	}

	/**
	 * Return the TTL this registrar requests.
	 * @return the TTL
	 */
	public Duration getTtl() {
		return this.leases.ttl();
	}

	/**
	 * Withdraw this instance and release its lease, as {@link #stopAsync(Duration)} does,
	 * waiting for it a few request timeouts at most; a failure is logged and never
	 * blocks. A second call does nothing.
	 * @param drainDelay how long to wait between withdrawing the key and revoking the
	 * lease
	 */
	public void stop(Duration drainDelay) {
		boolean first = !this.stopping;
		CompletableFuture<Void> withdrawn = stopAsync(drainDelay);
		if (first) {
			await(withdrawn, this.store.getRequestTimeout().toMillis() * 4 + drainDelay.toMillis(), "Deregistration");
			this.executor.shutdown();
		}
	}

	/**
	 * Withdraw this instance and release its lease, without waiting: delete the key (only
	 * if it is still this process's), wait {@code drainDelay} so that watchers and load
	 * balancers stop sending requests, then revoke the lease. Every call has a deadline;
	 * a failure is logged. Nothing registers the instance again afterwards. A second call
	 * returns the first one's outcome.
	 * @param drainDelay how long to wait between withdrawing the key and revoking the
	 * lease
	 * @return completes when the lease is revoked, or found not to be revocable
	 */
	public CompletableFuture<Void> stopAsync(Duration drainDelay) {
		synchronized (this.stopped) {
			if (this.stopping) {
				return this.stopped;
			}
			this.stopping = true;
		}
		this.executor.submitAsync(() -> withdraw(drainDelay))
			.whenComplete((withdrawn, failure) -> this.stopped.complete(null));
		return this.stopped;
	}

	// What follows runs on the executor: the transitions of the state machine.

	private void init(ServiceRegistration registration) {
		this.registration = registration;
		this.published = registration;
		this.key = registration.key(this.keyLayout);
		publishState();
	}

	/**
	 * Attempt to register, as one task of the executor that holds it until etcd has
	 * answered ({@link SerialExecutor#submitAsync}): no other event of this registrar is
	 * handled meanwhile, and no thread waits.
	 * @param rethrow whether a failure fails the returned future instead of being retried
	 * @return completes when the attempt is over
	 */
	private CompletableFuture<Void> attempt(boolean rethrow) {
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

	private CompletableFuture<Void> registerWithLiveLease() {
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

	/*
	 * One attempt: a lease when none is held, the key put with it (or re-bound, when it
	 * is this process's from before a loss) and read back.
	 */
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

	/*
	 * The key is in etcd with the lease: watch it, release a lease lost before, log one
	 * line and publish REGISTERED.
	 */
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
		logRegistered(target, active, newKey, failed);
		publishState(Phase.REGISTERED, null);
	}

	/*
	 * Log a successful attempt, and count it when it registered again after a loss.
	 */
	private void logRegistered(String target, Lease active, boolean newKey, int failed) {
		String after = (failed > 0) ? " after " + failed + " failed attempt" + ((failed > 1) ? "s" : "") : "";
		if (newKey && this.everRegistered) {
			this.reRegistrations.incrementAndGet();
		}
		if (newKey) {
			logger
				.info("%s %s with lease %s (ttl %ds)%s".formatted(this.everRegistered ? "Re-registered" : "Registered",
						target, Long.toHexString(active.id()), active.ttlSeconds(), after));
		}
		else if (this.state.phase() != Phase.REGISTERED) {
			logger.info("Registration of %s confirmed with lease %s%s".formatted(target, Long.toHexString(active.id()),
					after));
		}
		this.everRegistered = true;
	}

	/*
	 * A new status: written in place while the key stays the same, otherwise by moving
	 * the key, in one transaction and with the same lease, between the instance key (UP)
	 * and the parked key (any other status), so that Go clients stop or start calling the
	 * instance at the same revision.
	 */
	private void writeStatus(InstanceStatus status) {
		ServiceRegistration current = this.registration;
		if (current == null || current.status() == status) {
			return;
		}
		InstanceStatus previous = current.status();
		ServiceRegistration changed = current.withStatus(status);
		this.registration = changed;
		this.published = changed;
		this.value = (this.registeredAt != null) ? this.codec.encode(changed, this.registeredAt) : null;
		String target = changed.key(this.keyLayout);
		Lease held = this.lease;
		byte[] encoded = this.value;
		if (held == null || this.createRevision == 0 || encoded == null) {
			// Not registered: the next attempt registers under the new key.
			if (!target.equals(this.key)) {
				closeKeyWatch();
				this.key = target;
			}
			publishState();
			return;
		}
		publishState();
		this.statusChanges.incrementAndGet();
		if (target.equals(this.key)) {
			logger.info("Status of %s changed from %s to %s".formatted(this.key, previous, status));
			updateStatus(target, encoded, held, status);
		}
		else {
			moveKey(target, encoded, held, previous, status);
		}
	}

	/*
	 * New metadata: written in place, with the same lease, as a status that keeps the key
	 * is; when not registered, the next attempt writes it.
	 */
	private void writeMetadata(Map<String, @Nullable String> changes) {
		ServiceRegistration current = this.registration;
		if (current == null) {
			return;
		}
		Map<String, String> metadata = new LinkedHashMap<>(current.metadata());
		changes.forEach((name, value) -> {
			if (value != null) {
				metadata.put(name, value);
			}
			else {
				metadata.remove(name);
			}
		});
		if (metadata.equals(current.metadata())) {
			return;
		}
		ServiceRegistration changed = current.withMetadata(metadata);
		this.registration = changed;
		this.published = changed;
		this.value = (this.registeredAt != null) ? this.codec.encode(changed, this.registeredAt) : null;
		Lease held = this.lease;
		byte[] encoded = this.value;
		String target = this.key;
		publishState();
		if (held == null || this.createRevision == 0 || encoded == null || target == null) {
			return;
		}
		logger.info("Metadata of %s changed: %s".formatted(target, changes));
		try {
			if (!this.store.update(target, encoded, held.id(), this.createRevision, callTimeout())) {
				keyLost(null, "it was deleted or replaced");
			}
		}
		catch (RuntimeException ex) {
			// The key keeps its old metadata until the next attempt succeeds.
			logger.warn("Could not publish the metadata of %s (%s): retrying".formatted(target, ex.getMessage()));
			scheduleRetry(ex);
		}
	}

	private void updateStatus(String current, byte[] encoded, Lease held, InstanceStatus status) {
		try {
			if (!this.store.update(current, encoded, held.id(), this.createRevision, callTimeout())) {
				keyLost(null, "it was deleted or replaced");
			}
		}
		catch (RuntimeException ex) {
			// The key keeps its old status until the next attempt succeeds.
			logger.warn("Could not publish status %s of %s (%s): retrying".formatted(status, current, ex.getMessage()));
			scheduleRetry(ex);
		}
	}

	private void moveKey(String target, byte[] encoded, Lease held, InstanceStatus previous, InstanceStatus status) {
		String from = this.key;
		logger.info("Status of %s changed from %s to %s: moving it to %s%s".formatted(from, previous, status, target,
				(status == InstanceStatus.UP) ? " (Go clients call it again)" : " (Go clients stop calling it)"));
		// The old key's watch would report the move as a deletion.
		closeKeyWatch();
		this.key = target;
		RegisteredKey moved;
		try {
			moved = this.store.move(String.valueOf(from), target, encoded, held.id(), this.createRevision,
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
			this.former = this.former.key(this.createRevision);
			this.createRevision = 0;
			publishState(Phase.RETRYING, null);
			reconcileNow();
			return;
		}
		this.createRevision = moved.createRevision();
		watchKey(moved.createRevision(), moved.revision() + 1);
		publishState();
	}

	/**
	 * Withdraw the instance, as one task of the executor that holds it until the lease is
	 * released: no thread waits for etcd nor for the drain delay.
	 * @param drainDelay how long to wait between deleting the key and revoking the lease
	 * @return completes when the lease is released
	 */
	private CompletableFuture<Void> withdraw(Duration drainDelay) {
		cancelRetry();
		closeKeyWatch();
		Lease held = this.lease;
		String current = this.key;
		long heldRevision = this.createRevision;
		this.lease = null;
		this.createRevision = 0;
		if (held == null && heldRevision == 0) {
			publishState(Phase.DEREGISTERED, null);
			return CompletableFuture.completedFuture(null);
		}
		return this.withdrawal.withdraw(current, heldRevision, held, drainDelay, parking(current))
			.thenAccept((outcome) -> {
				publishState(Phase.DEREGISTERED, null);
				logger.info("Deregistered %s: %s".formatted(current, outcome.describe()));
			});
	}

	/*
	 * Where an UP instance's key goes when it withdraws: its parked key, out of service,
	 * so that clients see it leave rather than vanish.
	 */
	private Withdrawal.@Nullable Parking parking(@Nullable String current) {
		ServiceRegistration registered = this.registration;
		Instant at = this.registeredAt;
		if (registered == null || at == null || current == null || registered.status() != InstanceStatus.UP
				|| !current.equals(registered.key(this.keyLayout))) {
			return null;
		}
		ServiceRegistration leaving = registered.withStatus(InstanceStatus.OUT_OF_SERVICE);
		return new Withdrawal.Parking(leaving.key(this.keyLayout), this.codec.encode(leaving, at));
	}

	/*
	 * The health check loop's check: the key is still in etcd, bound to the lease and
	 * created at the revision this process holds.
	 */
	private void verifyKey() {
		if (this.deregistered && !this.stopping) {
			// Withdrawn on request: there is no key to check.
			return;
		}
		String current = this.key;
		if (this.stopping || this.registration == null || current == null) {
			throw new RegistrationException("Not started");
		}
		Lease held = this.lease;
		if (held == null || this.createRevision == 0) {
			String reason = this.state.lastError();
			throw new RegistrationException("Not registered" + ((reason != null) ? ": " + reason : ""));
		}
		RegisteredKey found = this.store.read(current, callTimeout());
		if (found == null) {
			keyGone(null, false);
			throw new RegistrationException("Key " + current + " was missing: registering again");
		}
		if (found.createRevision() != this.createRevision || found.leaseId() != held.id()) {
			keyLost(null, "found replaced by the heartbeat");
			throw new RegistrationException("Key " + current + " was missing: registering again");
		}
	}

	private void leaseLost(Lease lost, String reason) {
		if (this.stopping || this.lease != lost) {
			return;
		}
		countLeaseLoss(lost, reason);
		dropLease();
		reconcileNow();
	}

	/*
	 * No keep-alive reply within the TTL: the registration is not confirmed any more, but
	 * the lease is kept (the keeper keeps renewing it) until etcd says it ended. Nothing
	 * is granted or written meanwhile.
	 */
	private void leaseLapsed(Lease lapsed) {
		if (this.stopping || this.lease != lapsed) {
			return;
		}
		logger.warn("No keep-alive reply from etcd for lease %s of %s within its TTL: still renewing it; a new lease "
			.formatted(Long.toHexString(lapsed.id()), this.key) + "only once etcd says it ended");
		publishState(Phase.RETRYING, new RegistrationException("No keep-alive reply from etcd within the TTL"));
	}

	/*
	 * etcd renewed the lease after a lapse: it kept the lease, so it kept the key bound
	 * to it unless someone deleted it, which the own-key watch reports.
	 */
	private void leaseRenewedAfterLapse(Lease renewed) {
		if (this.stopping || this.lease != renewed || this.state.phase() != Phase.RETRYING) {
			return;
		}
		if (this.createRevision != 0 && this.keyWatch != null && this.retry == null && this.failures == 0) {
			logger.info("Lease %s of %s renewed by etcd again: registration holds"
				.formatted(Long.toHexString(renewed.id()), this.key));
			publishState(Phase.REGISTERED, null);
		}
		else {
			// Being healed for another reason as well: an attempt now tells.
			reconcileNow();
		}
	}

	private void countLeaseLoss(Lease lost, String reason) {
		this.leaseLosses.incrementAndGet();
		logger.warn("Lease %s of %s was lost (%s): registering again".formatted(Long.toHexString(lost.id()), this.key,
				reason));
	}

	/*
	 * The key is gone: because its lease ended (expired or revoked, which etcd tells
	 * apart from nothing else), or because someone deleted it while the lease lives.
	 */
	private void keyGone(@Nullable OwnKeyWatch watch, boolean deleted) {
		if (this.stopping || (watch != null && this.keyWatch != watch) || this.createRevision == 0) {
			return;
		}
		String how = deleted ? "deleted by someone else" : "found missing by the heartbeat";
		Lease held = this.lease;
		if (held == null) {
			keyLost(watch, how);
			return;
		}
		long ttl;
		try {
			ttl = this.store.timeToLive(held.id(), callTimeout());
		}
		catch (RuntimeException ex) {
			// Cannot tell: putting the key again tells, and counts a lost lease then.
			keyLost(watch, (deleted ? "deleted by someone else or with its lease" : how)
					+ "; the lease could not be checked: " + ex.getMessage());
			return;
		}
		if (ttl <= 0) {
			leaseLost(held, "expired or revoked; its key was deleted with it");
		}
		else {
			keyLost(watch, deleted ? how + "; lease " + Long.toHexString(held.id()) + " is alive" : how);
		}
	}

	private void keyLost(@Nullable OwnKeyWatch watch, String reason) {
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
		// Give a failing etcd a moment; the check re-creates the watch. Spread over half
		// a
		// TTL: when etcd compacts past them, the watches of every registration of this
		// process end at once, and their checks would all reach etcd at its busiest
		// moment. The lease keeps the key meanwhile.
		long spread = ThreadLocalRandom.current().nextLong(this.leases.ttl().toMillis() / 2 + 1);
		scheduleAttempt(this.backoff.delay(1).plusMillis(spread));
	}

	private void dropLease() {
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

	/*
	 * Revoke the lease lost before once the registration holds with another one, and
	 * forget it.
	 */
	private void releaseFormerLease(long currentLeaseId) {
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

	/*
	 * How long a call made for the current lease may wait: the request timeout, or what
	 * the lease has left if that is less.
	 */
	private Duration callTimeout() {
		return LeaseKeeper.callTimeout(this.lease, this.store.getRequestTimeout());
	}

	private void watchKey(long keyCreateRevision, long fromRevision) {
		closeKeyWatch();
		String current = this.key;
		Assert.state(current != null, "Not started");
		this.keyWatch = OwnKeyWatch.start(this.store, current, keyCreateRevision, fromRevision, this.executor,
				new KeyEvents());
	}

	private void closeKeyWatch() {
		OwnKeyWatch watch = this.keyWatch;
		this.keyWatch = null;
		if (watch != null) {
			watch.close();
		}
	}

	private void reconcileNow() {
		cancelRetry();
		attemptNext();
	}

	/*
	 * Attempt to register as the executor's next task.
	 */
	private void attemptNext() {
		try {
			this.executor.submitAsync(() -> attempt(false));
		}
		catch (RejectedExecutionException ex) {
			// Stopped.
		}
	}

	private Duration scheduleRetry(RuntimeException ex) {
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

	private void cancelRetry() {
		ScheduledFuture<?> pending = this.retry;
		if (pending != null) {
			pending.cancel(false);
			this.retry = null;
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

	private void publishState() {
		publishState(this.state.phase(), null);
	}

	/*
	 * Publish a new snapshot of the state, and tell the listeners when its phase changed.
	 */
	private void publishState(Phase phase, @Nullable Throwable failure) {
		Lease held = this.lease;
		ServiceRegistration current = this.registration;
		InstanceStatus status = (current != null) ? current.status() : InstanceStatus.STARTING;
		RegistrationState previous = this.state;
		String lastError = (failure != null) ? failure.getMessage()
				: (phase == Phase.REGISTERED) ? null : previous.lastError();
		RegistrationState next = new RegistrationState(phase, this.key, (held != null) ? held.id() : 0,
				(held != null) ? held.ttlSeconds() : 0, status, (this.createRevision != 0) ? this.registeredAt : null,
				null, this.failures, lastError);
		this.state = next;
		if (phase != previous.phase()) {
			for (Consumer<RegistrationState> listener : this.listeners) {
				try {
					listener.accept(next);
				}
				catch (RuntimeException ex) {
					// A bug in the listener: worth its stack trace, and registration goes
					// on.
					logger.warn("Registration state listener failed", ex);
				}
			}
		}
	}

	private static RuntimeException runtime(Throwable failure) {
		Throwable cause = EtcdCalls.unwrap(failure);
		return (cause instanceof RuntimeException runtime) ? runtime
				: new RegistrationException("Registration failed: " + EtcdErrors.describe(cause), cause);
	}

	// Handing work to the executor, from any thread.

	private void await(CompletableFuture<Void> task, long boundMillis, String what) {
		try {
			task.get(boundMillis, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("%s of %s did not finish within %dms: etcd removes the key when its lease expires"
				.formatted(what, this.state.key(), boundMillis));
		}
		catch (ExecutionException ex) {
			logger.warn("%s of %s failed: %s".formatted(what, this.state.key(), EtcdErrors.describe(ex)));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void submitAsync(Supplier<CompletableFuture<Void>> task) {
		if (this.stopping) {
			return;
		}
		this.executor.submitAsync(task).whenComplete((done, failure) -> {
			if (failure != null && !(failure instanceof RejectedExecutionException)) {
				logger.warn("Registration task failed: " + EtcdErrors.describe(failure));
			}
		});
	}

	private void submit(Runnable task) {
		if (this.stopping) {
			return;
		}
		try {
			this.executor.execute(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.warn("Registration task failed: " + EtcdErrors.describe(ex));
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// Stopping: nothing to do any more.
		}
	}

	/**
	 * What the lease keeper tells the registrar, on its executor.
	 */
	private final class LeaseEvents implements LeaseKeeper.Events {

		@Override
		public void lapsed(Lease lease) {
			leaseLapsed(lease);
		}

		@Override
		public void renewedAfterLapse(Lease lease) {
			leaseRenewedAfterLapse(lease);
		}

		@Override
		public void lost(Lease lease, String reason) {
			leaseLost(lease, reason);
		}

	}

	/**
	 * What the own-key watch tells the registrar, on its executor.
	 */
	private final class KeyEvents implements OwnKeyWatch.Events {

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

}
