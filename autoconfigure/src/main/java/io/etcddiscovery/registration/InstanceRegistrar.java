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
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.etcddiscovery.registration.EtcdServiceRegistry.GrantedLease;
import io.etcddiscovery.registration.EtcdServiceRegistry.RegisteredKey;
import io.etcddiscovery.registration.RegistrationState.Phase;
import io.grpc.stub.StreamObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * Keeps this instance registered in etcd: grants a lease, puts the instance's key bound
 * to it, keeps the lease alive on jetcd's shared keep-alive stream, watches the key, and
 * registers again, forever and with backoff, whenever the lease or the key is lost. On
 * stop it withdraws the key, waits for clients to notice, and revokes the lease.
 * <p>
 * The key follows the status ({@link KeyLayout#keyFor}): an instance that stops being UP
 * is moved, in one transaction and with the same lease, to its parked key, where Go
 * clients do not see it, and back when it is UP again. Everything that guards the key
 * (the own-key watch, the heartbeat's check, conflict detection, withdrawal) follows the
 * current key.
 * <p>
 * All state is owned by one named scheduler thread; jetcd's callbacks only hand events to
 * it.
 *
 * @author etcd-discovery authors
 */
public final class InstanceRegistrar {

	/**
	 * Prefix of the name of this registrar's thread.
	 */
	public static final String THREAD_NAME_PREFIX = "etcd-discovery-registration-";

	private static final Log logger = LogFactory.getLog(InstanceRegistrar.class);

	// A call for a lease that has (almost) run out still gets this long to find out.
	private static final long MIN_CALL_TIMEOUT_MILLIS = 100;

	private final EtcdServiceRegistry registry;

	private final KeyLayout keyLayout;

	private final Duration ttl;

	private final Backoff backoff;

	private final Clock clock;

	private final ServiceRegistrationCodec codec = new ServiceRegistrationCodec();

	private final ScheduledThreadPoolExecutor scheduler;

	private final AtomicBoolean stopped = new AtomicBoolean();

	private volatile boolean stopping;

	private volatile RegistrationState state = RegistrationState.initial();

	private volatile @Nullable Instant lastRenewal;

	private final AtomicLong leaseLosses = new AtomicLong();

	private final AtomicLong reRegistrations = new AtomicLong();

	private final AtomicLong statusChanges = new AtomicLong();

	private volatile @Nullable ServiceRegistration published;

	private final List<Consumer<RegistrationState>> stateListeners = new CopyOnWriteArrayList<>();

	// Withdrawn on request (deregister()) until registerAgain() is called: nothing heals
	// it.
	private volatile boolean deregistered;

	// Fields below are only touched on the scheduler thread.

	private @Nullable ServiceRegistration registration;

	private @Nullable String key;

	private byte @Nullable [] value;

	private @Nullable Instant registeredAt;

	private @Nullable ActiveLease lease;

	private long createRevision;

	private long previousLeaseId;

	private long previousCreateRevision;

	private @Nullable KeyWatch keyWatch;

	private @Nullable ScheduledFuture<?> retry;

	private int failures;

	private boolean everRegistered;

	/**
	 * Create a new registrar.
	 * @param registry the etcd operations
	 * @param keyLayout where keys live
	 * @param ttl the lease TTL to request
	 * @param backoff the delays between attempts
	 * @param clock the clock for timestamps
	 */
	public InstanceRegistrar(EtcdServiceRegistry registry, KeyLayout keyLayout, Duration ttl, Backoff backoff,
			Clock clock) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(keyLayout, "'keyLayout' must not be null");
		Assert.notNull(ttl, "'ttl' must not be null");
		Assert.notNull(backoff, "'backoff' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		this.registry = registry;
		this.keyLayout = keyLayout;
		this.ttl = ttl;
		this.backoff = backoff;
		this.clock = clock;
		CustomizableThreadFactory threadFactory = new CustomizableThreadFactory(THREAD_NAME_PREFIX);
		threadFactory.setDaemon(true);
		this.scheduler = new ScheduledThreadPoolExecutor(1, threadFactory);
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Start registering in the background: the first attempt is made at once, and failed
	 * attempts are retried with backoff until one succeeds.
	 * @param registration what to register
	 */
	public void start(ServiceRegistration registration) {
		submit(() -> {
			init(registration);
			attempt(false);
		});
	}

	/**
	 * Register now and fail if the first attempt fails. Afterwards the registration is
	 * kept and healed in the background as with {@link #start}.
	 * @param registration what to register
	 * @throws RegistrationException if the first attempt failed
	 */
	public void startAndWait(ServiceRegistration registration) {
		Future<?> first = this.scheduler.submit(() -> {
			init(registration);
			attempt(true);
		});
		try {
			first.get(this.registry.getRequestTimeout().toMillis() * 6, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RegistrationException registrationException) {
				throw registrationException;
			}
			throw new RegistrationException("Registration failed: " + EtcdErrors.describe(ex.getCause()),
					ex.getCause());
		}
		catch (TimeoutException ex) {
			first.cancel(true);
			throw new RegistrationException("Registration did not finish in time");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RegistrationException("Registration was interrupted");
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
		awaitTask(() -> {
			if (this.registration != null) {
				withdraw(Duration.ZERO);
			}
		}, "Deregistration");
	}

	/**
	 * Register again after {@link #deregister()}, in the background and with backoff as
	 * at start-up. Does nothing if the instance was not deregistered on request.
	 */
	public void registerAgain() {
		submit(() -> {
			if (!this.deregistered) {
				return;
			}
			this.deregistered = false;
			this.failures = 0;
			attempt(false);
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
	 * Add a listener of the registration's phase: called on the registrar's thread each
	 * time the phase changes (for example to {@code REGISTERED}), one call at a time. It
	 * must return quickly and hand any real work to an executor of its own.
	 * @param listener the listener
	 */
	public void addStateListener(Consumer<RegistrationState> listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.stateListeners.add(listener);
	}

	/**
	 * Publish another status, keeping the same key and lease.
	 * @param status the status
	 */
	public void setStatus(InstanceStatus status) {
		submit(() -> {
			if (this.registration == null || this.registration.status() == status) {
				return;
			}
			InstanceStatus previous = this.registration.status();
			this.registration = this.registration.withStatus(status);
			this.published = this.registration;
			this.value = (this.registeredAt != null) ? this.codec.encode(this.registration, this.registeredAt) : null;
			String target = this.keyLayout.keyFor(this.registration);
			if (this.lease == null || this.createRevision == 0 || this.value == null) {
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
				publishStatus(status);
			}
			else {
				moveTo(target, previous, status);
			}
		});
	}

	private void publishStatus(InstanceStatus status) {
		try {
			if (!this.registry.update(this.key, this.value, this.lease.id, this.createRevision, callTimeout())) {
				keyLost(null, "it was deleted or replaced");
			}
		}
		catch (RuntimeException ex) {
			// The key keeps its old status until the next attempt succeeds.
			logger
				.warn("Could not publish status %s of %s (%s): retrying".formatted(status, this.key, ex.getMessage()));
			scheduleRetry(ex);
		}
	}

	private void moveTo(String target, InstanceStatus previous, InstanceStatus status) {
		String from = this.key;
		logger.info("Status of %s changed from %s to %s: moving it to %s%s".formatted(from, previous, status, target,
				(status == InstanceStatus.UP) ? " (Go clients call it again)" : " (Go clients stop calling it)"));
		// The old key's watch would report the move as a deletion.
		closeKeyWatch();
		this.key = target;
		RegisteredKey moved;
		try {
			moved = this.registry.move(from, target, this.value, this.lease.id, this.createRevision, callTimeout());
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
			this.previousCreateRevision = this.createRevision;
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
	 * Return a snapshot of the registration.
	 * @return the state
	 */
	public RegistrationState getState() {
		RegistrationState current = this.state;
		return new RegistrationState(current.phase(), current.key(), current.leaseId(), current.ttlSeconds(),
				current.status(), current.registeredAt(), (current.leaseId() != 0) ? this.lastRenewal : null,
				current.consecutiveFailures(), current.lastError());
	}

	/**
	 * Check that this instance's key is still in etcd and still this process's, and
	 * register again if it is not. Used by the heartbeat.
	 * @return a future that completes when the check is done, exceptionally with a
	 * {@link RegistrationException} when the key could not be confirmed
	 */
	public CompletableFuture<Void> verify() {
		CompletableFuture<Void> result = new CompletableFuture<>();
		if (this.stopping) {
			result.completeExceptionally(new RegistrationException("Stopping"));
			return result;
		}
		submit(() -> {
			try {
				verifyKey();
				result.complete(null);
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		});
		if (this.stopping) {
			result.completeExceptionally(new RegistrationException("Stopping"));
		}
		return result;
	}

	private void verifyKey() {
		if (this.deregistered && !this.stopping) {
			// Withdrawn on request: there is no key to check.
			return;
		}
		if (this.stopping || this.registration == null) {
			throw new RegistrationException("Not started");
		}
		if (this.lease == null || this.createRevision == 0) {
			String reason = this.state.lastError();
			throw new RegistrationException("Not registered" + ((reason != null) ? ": " + reason : ""));
		}
		RegisteredKey current = this.registry.read(this.key, callTimeout());
		if (current == null) {
			keyGone(null, false);
			throw new RegistrationException("Key " + this.key + " was missing: registering again");
		}
		if (current.createRevision() != this.createRevision || current.leaseId() != this.lease.id) {
			keyLost(null, "found replaced by the heartbeat");
			throw new RegistrationException("Key " + this.key + " was missing: registering again");
		}
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
		return this.ttl;
	}

	/**
	 * Withdraw this instance and release its lease: delete the key (only if it is still
	 * this process's), wait {@code drainDelay} so that watchers and load balancers stop
	 * sending requests, then revoke the lease. Every step has a deadline; a failure is
	 * logged and never blocks. A second call does nothing.
	 * @param drainDelay how long to wait between withdrawing the key and revoking the
	 * lease
	 */
	public void stop(Duration drainDelay) {
		if (!this.stopped.compareAndSet(false, true)) {
			return;
		}
		this.stopping = true;
		long bound = this.registry.getRequestTimeout().toMillis() * 4 + drainDelay.toMillis();
		try {
			this.scheduler.submit(() -> withdraw(drainDelay)).get(bound, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("Deregistration of %s did not finish within %dms: etcd removes the key when its lease expires"
				.formatted(this.state.key(), bound));
		}
		catch (ExecutionException ex) {
			logger.warn("Deregistration of %s failed: %s".formatted(this.state.key(), EtcdErrors.describe(ex)));
		}
		catch (RejectedExecutionException ex) {
			// Already shut down.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.scheduler.shutdownNow();
			try {
				this.scheduler.awaitTermination(this.registry.getRequestTimeout().toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void init(ServiceRegistration registration) {
		this.registration = registration;
		this.published = registration;
		this.key = this.keyLayout.keyFor(registration);
		publishState();
	}

	private void attempt(boolean rethrow) {
		this.retry = null;
		if (this.stopping || this.deregistered || this.registration == null) {
			return;
		}
		try {
			registerWithLiveLease();
		}
		catch (RuntimeException ex) {
			this.failures++;
			if (rethrow) {
				publishState(Phase.RETRYING, ex);
				throw ex;
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
		}
	}

	private void registerWithLiveLease() {
		try {
			register();
		}
		catch (RuntimeException ex) {
			if (!EtcdErrors.isLeaseNotFound(ex)) {
				throw ex;
			}
			// The lease is gone (revoked, expired, etcd wiped) and the keep-alive stream
			// has not said so yet: a lease loss all the same; start over with a new one.
			ActiveLease lost = this.lease;
			if (lost != null) {
				countLeaseLoss(lost, "expired or revoked");
			}
			dropLease();
			register();
		}
	}

	private void register() {
		Assert.state(this.registration != null && this.key != null, "Not started");
		if (this.lease == null) {
			GrantedLease granted = this.registry.grant(this.ttl);
			ActiveLease active = new ActiveLease(granted.id(), granted.ttlSeconds());
			active.renewed(granted.ttlSeconds());
			this.lease = active;
			this.lastRenewal = this.clock.instant();
			active.keeper = this.registry.keepAlive(granted.id(), new LeaseObserver(active));
		}
		if (this.createRevision == 0 || this.value == null) {
			this.registeredAt = this.clock.instant();
			this.value = this.codec.encode(this.registration, this.registeredAt);
		}
		ActiveLease active = this.lease;
		RegisteredKey registered = this.registry.register(this.key, otherKey(), this.value, active.id, this::isOwn,
				callTimeout());
		boolean newKey = registered.createRevision() != this.createRevision;
		this.createRevision = registered.createRevision();
		if (this.keyWatch == null || !this.keyWatch.key.equals(this.key)
				|| this.keyWatch.createRevision != registered.createRevision()) {
			watchKey(registered.createRevision(), registered.revision() + 1);
		}
		revokePreviousLease(active.id);
		int failed = this.failures;
		this.failures = 0;
		String after = (failed > 0) ? " after " + failed + " failed attempt" + ((failed > 1) ? "s" : "") : "";
		if (newKey && this.everRegistered) {
			this.reRegistrations.incrementAndGet();
		}
		if (newKey) {
			logger
				.info("%s %s with lease %s (ttl %ds)%s".formatted(this.everRegistered ? "Re-registered" : "Registered",
						this.key, Long.toHexString(active.id), active.ttlSeconds, after));
		}
		else if (this.state.phase() != Phase.REGISTERED) {
			logger.info("Registration of %s confirmed with lease %s%s".formatted(this.key, Long.toHexString(active.id),
					after));
		}
		this.everRegistered = true;
		publishState(Phase.REGISTERED, null);
	}

	private String otherKey() {
		Assert.state(this.registration != null, "Not started");
		String instanceKey = this.keyLayout.instanceKey(this.registration);
		return this.key.equals(instanceKey) ? this.keyLayout.parkedKey(this.registration) : instanceKey;
	}

	private void watchKey(long createRevision, long fromRevision) {
		closeKeyWatch();
		KeyWatch watch = new KeyWatch(this.key, createRevision);
		this.keyWatch = watch;
		watch.watcher = this.registry.watch(this.key, fromRevision, watch);
	}

	private boolean isOwn(KeyValue existing) {
		if (this.previousLeaseId != 0 && existing.getLease() == this.previousLeaseId) {
			return true;
		}
		// Bound to no lease (an operator put it by hand) but created by this process.
		return existing.getLease() == 0 && existing.getCreateRevision() != 0
				&& (existing.getCreateRevision() == this.createRevision
						|| existing.getCreateRevision() == this.previousCreateRevision);
	}

	private void revokePreviousLease(long currentLeaseId) {
		long previous = this.previousLeaseId;
		if (previous == 0 || previous == currentLeaseId) {
			return;
		}
		this.previousLeaseId = 0;
		this.previousCreateRevision = 0;
		try {
			this.registry.revoke(previous, callTimeout());
		}
		catch (RuntimeException ex) {
			// Most likely expired already; otherwise it expires by itself.
			logger.debug("Could not revoke lost lease %s: %s".formatted(Long.toHexString(previous), ex.getMessage()));
		}
	}

	private void leaseLost(ActiveLease lost, String reason) {
		if (this.stopping || this.lease != lost) {
			return;
		}
		countLeaseLoss(lost, reason);
		dropLease();
		reconcileNow();
	}

	private void countLeaseLoss(ActiveLease lost, String reason) {
		this.leaseLosses.incrementAndGet();
		logger.warn("Lease %s of %s was lost (%s): registering again".formatted(Long.toHexString(lost.id), this.key,
				reason));
	}

	/**
	 * The key is gone: because its lease ended (expired or revoked, which etcd tells
	 * apart from nothing else), or because someone deleted it while the lease lives.
	 */
	private void keyGone(@Nullable KeyWatch watch, boolean deleted) {
		if (this.stopping || (watch != null && this.keyWatch != watch) || this.createRevision == 0) {
			return;
		}
		String how = deleted ? "deleted by someone else" : "found missing by the heartbeat";
		ActiveLease active = this.lease;
		if (active == null) {
			keyLost(watch, how);
			return;
		}
		String alive = deleted ? how + "; lease " + Long.toHexString(active.id) + " is alive" : how;
		long ttl;
		try {
			ttl = this.registry.timeToLive(active.id, callTimeout());
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
			keyLost(watch, alive);
		}
	}

	/**
	 * How long a call made for the current lease may wait: the request timeout, or what
	 * the lease has left if that is less.
	 */
	private Duration callTimeout() {
		Duration timeout = this.registry.getRequestTimeout();
		ActiveLease active = this.lease;
		if (active == null) {
			return timeout;
		}
		long left = Math.max(MIN_CALL_TIMEOUT_MILLIS, active.millisLeft());
		return (left < timeout.toMillis()) ? Duration.ofMillis(left) : timeout;
	}

	private void dropLease() {
		ActiveLease lost = this.lease;
		if (lost == null) {
			return;
		}
		lost.close();
		this.lease = null;
		if (this.createRevision != 0) {
			// The key may outlive the lost lease (etcd unreachable): recognise it as
			// ours.
			this.previousLeaseId = lost.id;
			this.previousCreateRevision = this.createRevision;
		}
		this.createRevision = 0;
		closeKeyWatch();
		publishState(Phase.RETRYING, null);
	}

	private void keyLost(@Nullable KeyWatch watch, String reason) {
		if (this.stopping || (watch != null && this.keyWatch != watch) || this.createRevision == 0) {
			return;
		}
		logger.warn("Key %s was lost (%s): registering again".formatted(this.key, reason));
		this.previousCreateRevision = this.createRevision;
		this.createRevision = 0;
		closeKeyWatch();
		publishState(Phase.RETRYING, null);
		reconcileNow();
	}

	private void watchEnded(KeyWatch watch, String reason) {
		if (this.stopping || this.keyWatch != watch) {
			return;
		}
		logger.debug("Watch of %s ended (%s): checking the key and watching again".formatted(this.key, reason));
		closeKeyWatch();
		// Give a failing etcd a moment; the check re-creates the watch.
		scheduleAttempt(this.backoff.delay(1));
	}

	private void reconcileNow() {
		cancelRetry();
		attempt(false);
	}

	private Duration scheduleRetry(RuntimeException ex) {
		Duration delay = this.backoff.delay(Math.max(1, this.failures));
		Duration rescue = this.ttl.dividedBy(2);
		if (this.previousLeaseId != 0 && delay.compareTo(rescue) > 0) {
			// The old key may still be in etcd: when etcd answers again, a new leader
			// gives
			// its lease about one more TTL. Retry in time to re-bind it instead of
			// letting it
			// expire under a live instance.
			delay = rescue;
		}
		publishState((ex instanceof InstanceIdConflictException) ? Phase.CONFLICT : Phase.RETRYING, ex);
		scheduleAttempt(delay);
		return delay;
	}

	private void scheduleAttempt(Duration delay) {
		cancelRetry();
		if (!this.stopping) {
			this.retry = this.scheduler.schedule(() -> attempt(false), delay.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private void cancelRetry() {
		if (this.retry != null) {
			this.retry.cancel(false);
			this.retry = null;
		}
	}

	private void closeKeyWatch() {
		KeyWatch watch = this.keyWatch;
		this.keyWatch = null;
		if (watch != null && watch.watcher != null) {
			watch.watcher.close();
		}
	}

	private void withdraw(Duration drainDelay) {
		cancelRetry();
		closeKeyWatch();
		ActiveLease active = this.lease;
		if (active == null && this.createRevision == 0) {
			publishState(Phase.DEREGISTERED, null);
			return;
		}
		boolean withdrawn = false;
		String outcome;
		if (active != null && this.createRevision != 0) {
			try {
				withdrawn = this.registry.withdraw(this.key, this.createRevision);
				outcome = withdrawn ? "key deleted" : "key already gone";
			}
			catch (RuntimeException ex) {
				outcome = "key not deleted (" + ex.getMessage() + ")";
			}
		}
		else {
			outcome = "no key";
		}
		if (withdrawn && drainDelay.toMillis() > 0) {
			sleep(drainDelay);
			outcome += ", drained " + Durations.format(drainDelay);
		}
		if (active != null) {
			active.close();
			try {
				this.registry.revoke(active.id);
				outcome += ", lease " + Long.toHexString(active.id) + " revoked";
			}
			catch (RuntimeException ex) {
				outcome += ", lease " + Long.toHexString(active.id) + " not revoked (" + ex.getMessage()
						+ "): it expires within " + active.ttlSeconds + "s";
			}
		}
		this.lease = null;
		this.createRevision = 0;
		publishState(Phase.DEREGISTERED, null);
		logger.info("Deregistered %s: %s".formatted(this.key, outcome));
	}

	private void awaitTask(Runnable task, String what) {
		long bound = this.registry.getRequestTimeout().toMillis() * 4;
		try {
			this.scheduler.submit(task).get(bound, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("%s of %s did not finish within %dms: etcd removes the key when its lease expires"
				.formatted(what, this.state.key(), bound));
		}
		catch (ExecutionException ex) {
			logger.warn("%s of %s failed: %s".formatted(what, this.state.key(), EtcdErrors.describe(ex)));
		}
		catch (RejectedExecutionException ex) {
			// Stopped meanwhile.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void sleep(Duration delay) {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void submit(Runnable task) {
		if (this.stopping) {
			return;
		}
		try {
			this.scheduler.execute(() -> {
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

	private void publishState(Phase phase, @Nullable Throwable failure) {
		ActiveLease active = this.lease;
		InstanceStatus status = (this.registration != null) ? this.registration.status() : InstanceStatus.STARTING;
		String lastError = (failure != null) ? failure.getMessage()
				: (phase == Phase.REGISTERED) ? null : this.state.lastError();
		Phase previous = this.state.phase();
		this.state = new RegistrationState(phase, this.key, (active != null) ? active.id : 0,
				(active != null) ? active.ttlSeconds : 0, status, (this.createRevision != 0) ? this.registeredAt : null,
				null, this.failures, lastError);
		if (phase != previous) {
			notifyStateListeners(this.state);
		}
	}

	private void notifyStateListeners(RegistrationState current) {
		for (Consumer<RegistrationState> listener : this.stateListeners) {
			try {
				listener.accept(current);
			}
			catch (RuntimeException ex) {
				// A bug in the listener: worth its stack trace, and registration goes on.
				logger.warn("Registration state listener failed", ex);
			}
		}
	}

	/**
	 * A lease this process holds and keeps alive.
	 */
	private static final class ActiveLease {

		private final long id;

		private final long ttlSeconds;

		private volatile @Nullable CloseableClient keeper;

		private volatile boolean closed;

		// When etcd last renewed the lease (System.nanoTime()) and for how long.
		private volatile long renewedAt;

		private volatile long renewedForMillis;

		ActiveLease(long id, long ttlSeconds) {
			this.id = id;
			this.ttlSeconds = ttlSeconds;
		}

		void renewed(long ttlSeconds) {
			this.renewedAt = System.nanoTime();
			this.renewedForMillis = TimeUnit.SECONDS.toMillis(ttlSeconds);
		}

		long millisLeft() {
			return this.renewedForMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.renewedAt);
		}

		void close() {
			this.closed = true;
			CloseableClient current = this.keeper;
			if (current != null) {
				current.close();
			}
		}

	}

	/**
	 * Receives keep-alive replies of one lease on jetcd's threads.
	 */
	private final class LeaseObserver implements StreamObserver<LeaseKeepAliveResponse> {

		private final ActiveLease lease;

		LeaseObserver(ActiveLease lease) {
			this.lease = lease;
		}

		@Override
		public void onNext(LeaseKeepAliveResponse response) {
			if (!this.lease.closed && response.getTTL() > 0) {
				this.lease.renewed(response.getTTL());
				InstanceRegistrar.this.lastRenewal = InstanceRegistrar.this.clock.instant();
			}
		}

		@Override
		public void onError(Throwable error) {
			if (this.lease.closed) {
				return;
			}
			if (EtcdErrors.isLeaseNotFound(error)) {
				submit(() -> leaseLost(this.lease, "expired or revoked"));
			}
			else if (logger.isDebugEnabled()) {
				// Not terminal: jetcd restarts the keep-alive stream by itself.
				logger.debug("Keep-alive stream error, jetcd retries: " + EtcdErrors.describe(error));
			}
		}

		@Override
		public void onCompleted() {
			if (!this.lease.closed) {
				submit(() -> leaseLost(this.lease, "no keep-alive reply from etcd within the TTL"));
			}
		}

	}

	/**
	 * Watches this instance's own key on jetcd's threads.
	 */
	private final class KeyWatch implements Watch.Listener {

		private final String key;

		private final long createRevision;

		private volatile Watch.@Nullable Watcher watcher;

		KeyWatch(String key, long createRevision) {
			this.key = key;
			this.createRevision = createRevision;
		}

		@Override
		public void onNext(WatchResponse response) {
			for (WatchEvent event : response.getEvents()) {
				KeyValue kv = event.getKeyValue();
				if (event.getEventType() == WatchEvent.EventType.DELETE) {
					submit(() -> keyGone(this, true));
				}
				else if (event.getEventType() == WatchEvent.EventType.PUT
						&& kv.getCreateRevision() != this.createRevision) {
					submit(() -> keyLost(this, "replaced by someone else"));
				}
				else if (event.getEventType() == WatchEvent.EventType.PUT && kv.getLease() == 0) {
					submit(() -> keyLost(this, "its lease was removed by someone else"));
				}
			}
		}

		@Override
		public void onError(Throwable error) {
			submit(() -> watchEnded(this, EtcdErrors.describe(error)));
		}

		@Override
		public void onCompleted() {
			submit(() -> watchEnded(this, "completed"));
		}

	}

}
