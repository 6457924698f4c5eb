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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.EtcdCallException;
import io.etcddiscovery.etcd.EtcdErrors;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.SerialExecutor;
import io.etcddiscovery.registration.LeaseKeeper.Lease;
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
 * stop it withdraws the key, waits for clients to notice, and revokes the lease.
 * <p>
 * The key follows the status ({@link KeyLayout#keyFor}): an instance that stops being UP
 * is moved, in one transaction and with the same lease, to its parked key, where Go
 * clients do not see it, and back when it is UP again ({@link StatusWriter}). Everything
 * that guards the key (the own-key watch, the heartbeat's check, conflict detection,
 * withdrawal) follows the current key.
 * <p>
 * All state is confined to one {@link SerialExecutor} on the shared
 * {@link TaskScheduler}: one task at a time, on whichever worker is free; the store's
 * callbacks only hand events to it.
 *
 * @author etcd-discovery authors
 */
public final class InstanceRegistrar {

	private static final Log logger = LogFactory.getLog(InstanceRegistrar.class);

	private final RegistrationStore store;

	private final SerialExecutor executor;

	private final RegistrationMachine machine;

	private final Withdrawal withdrawal;

	private final StatusWriter statusWriter;

	private final CompletableFuture<Void> stopped = new CompletableFuture<>();

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
		this.executor = new SerialExecutor("registration", scheduler);
		this.machine = new RegistrationMachine(store, keyLayout, ttl, backoff, clock, this.executor);
		this.withdrawal = new Withdrawal(this.machine);
		this.statusWriter = new StatusWriter(this.machine);
	}

	/**
	 * Start registering in the background: the first attempt is made at once, and failed
	 * attempts are retried with backoff until one succeeds.
	 * @param registration what to register
	 */
	public void start(ServiceRegistration registration) {
		submitAsync(() -> {
			this.machine.init(registration);
			return this.machine.attempt(false);
		});
	}

	/**
	 * Register now and fail if the first attempt fails. Afterwards the registration is
	 * kept and healed in the background as with {@link #start}.
	 * @param registration what to register
	 * @throws RegistrationException if the first attempt failed
	 */
	public void startAndWait(ServiceRegistration registration) {
		CompletableFuture<Void> first = this.executor.submitAsync(() -> {
			this.machine.init(registration);
			return this.machine.attempt(true);
		});
		try {
			first.get(this.store.getRequestTimeout().toMillis() * 6, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RegistrationException registrationException) {
				throw registrationException;
			}
			if (cause instanceof EtcdCallException call) {
				throw new RegistrationException(String.valueOf(call.getMessage()), call);
			}
			throw new RegistrationException("Registration failed: " + EtcdErrors.describe(ex), ex);
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
		if (this.machine.stopping) {
			return;
		}
		this.machine.deregistered = true;
		CompletableFuture<Void> withdrawn = this.executor.submitAsync(() -> (this.machine.registration != null)
				? this.withdrawal.withdraw(Duration.ZERO) : CompletableFuture.completedFuture(null));
		await(withdrawn, this.store.getRequestTimeout().toMillis() * 4, "Deregistration");
	}

	/**
	 * Register again after {@link #deregister()}, in the background and with backoff as
	 * at start-up. Does nothing if the instance was not deregistered on request.
	 */
	public void registerAgain() {
		submitAsync(() -> {
			if (!this.machine.deregistered) {
				return CompletableFuture.completedFuture(null);
			}
			this.machine.deregistered = false;
			this.machine.failures = 0;
			return this.machine.attempt(false);
		});
	}

	/**
	 * Return whether this instance was withdrawn on request by {@link #deregister()}.
	 * @return whether it is deregistered until {@link #registerAgain()}
	 */
	public boolean isDeregistered() {
		return this.machine.deregistered;
	}

	/**
	 * Add a listener of the registration's phase: called on the registrar's executor each
	 * time the phase changes (for example to {@code REGISTERED}), one call at a time. It
	 * must return quickly and hand any real work to an executor of its own.
	 * @param listener the listener
	 */
	public void addStateListener(Consumer<RegistrationState> listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.machine.report.addListener(listener);
	}

	/**
	 * Publish another status, keeping the same key and lease.
	 * @param status the status
	 */
	public void setStatus(InstanceStatus status) {
		submit(() -> this.statusWriter.write(status));
	}

	/**
	 * Return a snapshot of the registration.
	 * @return the state
	 */
	public RegistrationState getState() {
		RegistrationState current = this.machine.state();
		return new RegistrationState(current.phase(), current.key(), current.leaseId(), current.ttlSeconds(),
				current.status(), current.registeredAt(),
				(current.leaseId() != 0) ? this.machine.leases.lastRenewal() : null, current.consecutiveFailures(),
				current.lastError());
	}

	/**
	 * Check that this instance's key is still in etcd and still this process's, and
	 * register again if it is not. Used by the heartbeat.
	 * @return a future that completes when the check is done, exceptionally with a
	 * {@link RegistrationException} when the key could not be confirmed
	 */
	public CompletableFuture<Void> verify() {
		if (this.machine.stopping) {
			return CompletableFuture.failedFuture(new RegistrationException("Stopping"));
		}
		CompletableFuture<Void> result = this.executor.submit(() -> {
			verifyKey();
			return null;
		});
		if (this.machine.stopping) {
			result.completeExceptionally(new RegistrationException("Stopping"));
		}
		return result;
	}

	private void verifyKey() {
		RegistrationMachine machine = this.machine;
		if (machine.deregistered && !machine.stopping) {
			// Withdrawn on request: there is no key to check.
			return;
		}
		String current = machine.key;
		if (machine.stopping || machine.registration == null || current == null) {
			throw new RegistrationException("Not started");
		}
		Lease active = machine.lease;
		if (active == null || machine.createRevision == 0) {
			String reason = machine.state().lastError();
			throw new RegistrationException("Not registered" + ((reason != null) ? ": " + reason : ""));
		}
		RegisteredKey found = machine.store.read(current, machine.callTimeout());
		if (found == null) {
			machine.keyGone(null, false);
			throw new RegistrationException("Key " + current + " was missing: registering again");
		}
		if (found.createRevision() != machine.createRevision || found.leaseId() != active.id()) {
			machine.keyLost(null, "found replaced by the heartbeat");
			throw new RegistrationException("Key " + current + " was missing: registering again");
		}
	}

	/**
	 * Return what this instance publishes, once the application is ready.
	 * @return the registration, or {@code null} before the application is ready
	 */
	public @Nullable ServiceRegistration getRegistration() {
		return this.machine.published;
	}

	/**
	 * Return how many times the lease was lost since start.
	 * @return the number of lease losses
	 */
	public long getLeaseLosses() {
		return this.machine.report.leaseLosses.get();
	}

	/**
	 * Return how many times this instance registered again after a loss.
	 * @return the number of re-registrations
	 */
	public long getReRegistrations() {
		return this.machine.report.reRegistrations.get();
	}

	/**
	 * Return how many times the published status changed.
	 * @return the number of status changes
	 */
	public long getStatusChanges() {
		return this.machine.report.statusChanges.get();
	}

	/**
	 * Return the TTL this registrar requests.
	 * @return the TTL
	 */
	public Duration getTtl() {
		return this.machine.leases.ttl();
	}

	/**
	 * Withdraw this instance and release its lease, as {@link #stopAsync(Duration)} does,
	 * waiting for it a few request timeouts at most; a failure is logged and never
	 * blocks. A second call does nothing.
	 * @param drainDelay how long to wait between withdrawing the key and revoking the
	 * lease
	 */
	public void stop(Duration drainDelay) {
		boolean first = !this.machine.stopping;
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
			if (this.machine.stopping) {
				return this.stopped;
			}
			this.machine.stopping = true;
		}
		this.executor.submitAsync(() -> this.withdrawal.withdraw(drainDelay))
			.whenComplete((withdrawn, failure) -> this.stopped.complete(null));
		return this.stopped;
	}

	private void await(CompletableFuture<Void> task, long boundMillis, String what) {
		try {
			task.get(boundMillis, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("%s of %s did not finish within %dms: etcd removes the key when its lease expires"
				.formatted(what, this.machine.state().key(), boundMillis));
		}
		catch (ExecutionException ex) {
			logger.warn("%s of %s failed: %s".formatted(what, this.machine.state().key(), EtcdErrors.describe(ex)));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void submitAsync(Supplier<CompletableFuture<Void>> task) {
		if (this.machine.stopping) {
			return;
		}
		this.executor.submitAsync(task).whenComplete((done, failure) -> {
			if (failure != null && !(failure instanceof RejectedExecutionException)) {
				logger.warn("Registration task failed: " + EtcdErrors.describe(failure));
			}
		});
	}

	private void submit(Runnable task) {
		if (this.machine.stopping) {
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

}
