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

package io.etcddiscovery.cloud;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcddiscovery.cloud.EjectedInstances.EjectedInstanceDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * One ejected instance, held by {@link EjectedInstances}.
 *
 * @author etcd-discovery authors
 */
final class Ejection {

	final InstanceAddress address;

	final @Nullable String instanceId;

	final boolean inEtcd;

	final Instant since;

	final String cause;

	private final AtomicInteger failedProbes = new AtomicInteger();

	private volatile @Nullable Instant lastProbeAt;

	private volatile @Nullable ScheduledFuture<?> probe;

	Ejection(InstanceAddress address, @Nullable String instanceId, boolean inEtcd, Instant since, String cause) {
		this.address = address;
		this.instanceId = instanceId;
		this.inEtcd = inEtcd;
		this.since = since;
		this.cause = cause;
	}

	/**
	 * Hold the task that probes this instance, to cancel it when the ejection ends.
	 * @param probe the scheduled probe
	 */
	void probing(ScheduledFuture<?> probe) {
		this.probe = probe;
	}

	/**
	 * Note that a probe starts now.
	 * @param at the time
	 */
	void probeStarted(Instant at) {
		this.lastProbeAt = at;
	}

	/**
	 * Note that a probe was refused or not answered in time.
	 */
	void probeFailed() {
		this.failedProbes.incrementAndGet();
	}

	/**
	 * Stop probing this instance.
	 */
	void stopProbing() {
		ScheduledFuture<?> probe = this.probe;
		if (probe != null) {
			probe.cancel(false);
		}
	}

	String describe() {
		return this.address.hostAndPort() + " (" + this.address.service()
				+ ((this.instanceId != null) ? ", instance " + this.instanceId : "") + ")";
	}

	EjectedInstanceDescriptor descriptor() {
		return new EjectedInstanceDescriptor(this.address.service(), this.instanceId, this.address.hostAndPort(),
				this.since, this.cause, this.inEtcd, this.failedProbes.get(), this.lastProbeAt);
	}

}
