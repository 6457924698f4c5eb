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

import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.registration.LeaseKeeper.Lease;
import io.etcddiscovery.registration.RegistrationStore.RegisteredKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Writes a new status of the instance of a {@link RegistrationMachine}, with the same
 * lease: in place while the key stays the same, and otherwise by moving the key, in one
 * transaction, between the instance key (UP) and the parked key (any other status), so
 * that Go clients stop or start calling the instance at the same revision. Runs on the
 * machine's executor.
 *
 * @author etcd-discovery authors
 */
final class StatusWriter {

	private static final Log logger = LogFactory.getLog(InstanceRegistrar.class);

	private final RegistrationMachine machine;

	StatusWriter(RegistrationMachine machine) {
		this.machine = machine;
	}

	/**
	 * Publish another status.
	 * @param status the status
	 */
	void write(InstanceStatus status) {
		RegistrationMachine machine = this.machine;
		ServiceRegistration current = machine.registration;
		if (current == null || current.status() == status) {
			return;
		}
		InstanceStatus previous = current.status();
		ServiceRegistration changed = current.withStatus(status);
		machine.registration = changed;
		machine.published = changed;
		machine.value = (machine.registeredAt != null) ? machine.codec.encode(changed, machine.registeredAt) : null;
		String target = machine.keyOf(changed);
		Lease lease = machine.lease;
		byte[] value = machine.value;
		if (lease == null || machine.createRevision == 0 || value == null) {
			// Not registered: the next attempt registers under the new key.
			if (!target.equals(machine.key)) {
				machine.closeKeyWatch();
				machine.key = target;
			}
			machine.publishState();
			return;
		}
		machine.publishState();
		machine.report.statusChanges.incrementAndGet();
		if (target.equals(machine.key)) {
			logger.info("Status of %s changed from %s to %s".formatted(machine.key, previous, status));
			update(target, value, lease, status);
		}
		else {
			move(target, value, lease, previous, status);
		}
	}

	private void update(String key, byte[] value, Lease lease, InstanceStatus status) {
		RegistrationMachine machine = this.machine;
		try {
			if (!machine.store.update(key, value, lease.id(), machine.createRevision, machine.callTimeout())) {
				machine.keyLost(null, "it was deleted or replaced");
			}
		}
		catch (RuntimeException ex) {
			// The key keeps its old status until the next attempt succeeds.
			logger.warn("Could not publish status %s of %s (%s): retrying".formatted(status, key, ex.getMessage()));
			machine.scheduleRetry(ex);
		}
	}

	private void move(String target, byte[] value, Lease lease, InstanceStatus previous, InstanceStatus status) {
		RegistrationMachine machine = this.machine;
		String from = machine.key;
		logger.info("Status of %s changed from %s to %s: moving it to %s%s".formatted(from, previous, status, target,
				(status == InstanceStatus.UP) ? " (Go clients call it again)" : " (Go clients stop calling it)"));
		// The old key's watch would report the move as a deletion.
		machine.closeKeyWatch();
		machine.key = target;
		RegisteredKey moved;
		try {
			moved = machine.store.move(String.valueOf(from), target, value, lease.id(), machine.createRevision,
					machine.callTimeout());
		}
		catch (RuntimeException ex) {
			// Moved or not, the next attempt registers under the new key and deletes this
			// process's old one.
			logger.warn("Could not move %s to %s (%s): retrying".formatted(from, target, ex.getMessage()));
			machine.createRevision = 0;
			machine.scheduleRetry(ex);
			return;
		}
		if (moved == null) {
			logger.warn("Key %s was lost (it was deleted or replaced): registering %s again".formatted(from, target));
			machine.keyLostByMove();
			return;
		}
		machine.createRevision = moved.createRevision();
		machine.watchKey(moved.createRevision(), moved.revision() + 1);
		machine.publishState();
	}

}
