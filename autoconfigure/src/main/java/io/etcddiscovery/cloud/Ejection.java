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

	final AtomicInteger failedProbes = new AtomicInteger();

	volatile @Nullable Instant lastProbeAt;

	volatile @Nullable ScheduledFuture<?> probe;

	Ejection(InstanceAddress address, @Nullable String instanceId, boolean inEtcd, Instant since, String cause) {
		this.address = address;
		this.instanceId = instanceId;
		this.inEtcd = inEtcd;
		this.since = since;
		this.cause = cause;
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
