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

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.etcddiscovery.etcd.Durations;
import io.etcddiscovery.etcd.EtcdCalls;
import io.etcddiscovery.registration.LeaseKeeper.Lease;
import io.etcddiscovery.registration.RegistrationState.Phase;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Withdraws the instance of a {@link RegistrationMachine}: deletes its key (only if it is
 * still this process's), lets watchers and load balancers notice for the drain delay (a
 * timer, no thread waits), then revokes the lease. Runs on the machine's executor.
 *
 * @author etcd-discovery authors
 */
final class Withdrawal {

	private static final Log logger = LogFactory.getLog(InstanceRegistrar.class);

	private static final String DELETED = "key deleted";

	private final RegistrationMachine machine;

	Withdrawal(RegistrationMachine machine) {
		this.machine = machine;
	}

	/**
	 * Withdraw the instance, as one task of the machine's executor that holds it until
	 * the lease is released: no thread waits for etcd nor for the drain delay.
	 * @param drainDelay how long to wait between deleting the key and revoking the lease
	 * @return completes when the lease is released
	 */
	CompletableFuture<Void> withdraw(Duration drainDelay) {
		RegistrationMachine machine = this.machine;
		machine.cancelRetry();
		machine.closeKeyWatch();
		Lease active = machine.lease;
		String current = machine.key;
		long createRevision = machine.createRevision;
		machine.lease = null;
		machine.createRevision = 0;
		if (active == null && createRevision == 0) {
			machine.publishState(Phase.DEREGISTERED, null);
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<String> deleted = (active != null && createRevision != 0 && current != null)
				? machine.store.withdrawAsync(current, createRevision, machine.store.getRequestTimeout())
					.handle((withdrawn, failure) -> {
						if (failure != null) {
							return "key not deleted (" + EtcdCalls.unwrap(failure).getMessage() + ")";
						}
						return withdrawn ? drain(drainDelay) : "key already gone";
					})
				: CompletableFuture.completedFuture("no key");
		return deleted
			.thenCompose((outcome) -> outcome.startsWith(DELETED) ? drained(drainDelay, outcome)
					: CompletableFuture.completedFuture(outcome))
			.thenCompose((outcome) -> release(active, outcome))
			.thenAccept((outcome) -> {
				machine.publishState(Phase.DEREGISTERED, null);
				logger.info("Deregistered %s: %s".formatted(current, outcome));
			});
	}

	private static String drain(Duration drainDelay) {
		return (drainDelay.toMillis() > 0) ? DELETED + ", drained " + Durations.format(drainDelay) : DELETED;
	}

	private CompletableFuture<String> drained(Duration drainDelay, String outcome) {
		if (drainDelay.toMillis() <= 0) {
			return CompletableFuture.completedFuture(outcome);
		}
		// Watchers and load balancers notice meanwhile: no thread waits for them.
		return this.machine.executor.after(drainDelay).handle((passed, failure) -> outcome);
	}

	private CompletableFuture<String> release(@Nullable Lease active, String outcome) {
		if (active == null) {
			return CompletableFuture.completedFuture(outcome);
		}
		active.close();
		String lease = ", lease " + Long.toHexString(active.id());
		return this.machine.store.revokeAsync(active.id(), this.machine.store.getRequestTimeout())
			.handle((revoked,
					failure) -> (failure != null)
							? outcome + lease + " not revoked (" + EtcdCalls.unwrap(failure).getMessage()
									+ "): it expires within " + active.ttlSeconds() + "s"
							: outcome + lease + " revoked");
	}

}
