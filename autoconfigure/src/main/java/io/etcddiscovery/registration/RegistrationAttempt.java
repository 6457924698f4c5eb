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

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import io.etcddiscovery.etcd.EtcdErrors;
import io.etcddiscovery.registration.LeaseKeeper.Lease;
import io.etcddiscovery.registration.RegistrationState.Phase;
import io.etcddiscovery.registration.RegistrationStore.ExistingKey;
import io.etcddiscovery.registration.RegistrationStore.RegisteredKey;

import org.springframework.util.Assert;

/**
 * One attempt of a {@link RegistrationMachine} to register: a lease when it holds none,
 * the key put with it (or re-bound, when it is this process's from before a loss), the
 * watch of the key, and the release of a lease lost before. Runs on the machine's
 * executor, which it holds until etcd has answered.
 *
 * @author etcd-discovery authors
 */
final class RegistrationAttempt {

	private final RegistrationMachine machine;

	RegistrationAttempt(RegistrationMachine machine) {
		this.machine = machine;
	}

	CompletableFuture<Void> registerWithLiveLease() {
		RegistrationMachine machine = this.machine;
		return register().exceptionallyCompose((failure) -> {
			if (!EtcdErrors.isLeaseNotFound(failure) || machine.stopping) {
				return CompletableFuture.failedFuture(failure);
			}
			// The lease is gone (revoked, expired, etcd wiped) and the keep-alive stream
			// has not said so yet: a lease loss all the same; start over with a new one.
			Lease lost = machine.lease;
			if (lost != null) {
				machine.countLeaseLoss(lost, "expired or revoked");
			}
			machine.dropLease();
			return register();
		});
	}

	private CompletableFuture<Void> register() {
		RegistrationMachine machine = this.machine;
		ServiceRegistration current = machine.registration;
		String target = machine.key;
		Assert.state(current != null && target != null, "Not started");
		Lease held = machine.lease;
		CompletableFuture<Lease> leased = (held != null) ? CompletableFuture.completedFuture(held)
				: machine.leases.grant().thenApply((granted) -> {
					if (machine.stopping) {
						// Withdrawn meanwhile: nothing may hold this lease.
						granted.close();
						machine.store.revokeAsync(granted.id(), machine.store.getRequestTimeout());
						throw new RegistrationException("Stopping");
					}
					machine.lease = granted;
					return granted;
				});
		return leased.thenCompose((active) -> {
			byte[] encoded = machine.value;
			if (machine.createRevision == 0 || encoded == null) {
				Instant now = machine.clock.instant();
				machine.registeredAt = now;
				encoded = machine.codec.encode(current, now);
				machine.value = encoded;
			}
			Predicate<ExistingKey> isOwn = machine.former.isOwn(machine.createRevision);
			return machine.store
				.registerAsync(target, current.otherKey(machine.keyLayout, target), encoded, active.id(), isOwn,
						machine.callTimeout())
				.thenAccept((registered) -> registered(target, active, active == held, registered));
		});
	}

	private void registered(String target, Lease active, boolean heldBefore, RegisteredKey registered) {
		RegistrationMachine machine = this.machine;
		if (heldBefore) {
			// etcd took the key with this lease: it is alive, whatever the keep-alive's
			// own deadline says after a time without replies.
			active.resumeKeepAlive();
		}
		boolean newKey = registered.createRevision() != machine.createRevision;
		machine.createRevision = registered.createRevision();
		OwnKeyWatch watch = machine.keyWatch;
		if (watch == null || !watch.follows(target, registered.createRevision())) {
			machine.watchKey(registered.createRevision(), registered.revision() + 1);
		}
		machine.releaseFormerLease(active.id());
		int failed = machine.failures;
		machine.failures = 0;
		machine.report.registered(target, active.id(), active.ttlSeconds(), newKey, failed);
		machine.publishState(Phase.REGISTERED, null);
	}

}
