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

package io.etcddiscovery.test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Last-resort cleanup: a JVM shutdown hook that kills every etcd member still alive and
 * deletes its directory, for test runs that never reach {@link EtcdCluster#close()}.
 *
 * @author etcd-discovery authors
 */
final class ProcessReaper {

	private static final Set<EtcdMember> members = ConcurrentHashMap.newKeySet();

	private static final AtomicBoolean hookInstalled = new AtomicBoolean();

	private ProcessReaper() {
	}

	static void register(EtcdMember member) {
		if (hookInstalled.compareAndSet(false, true)) {
			Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::reapAll, "etcd-test-reaper"));
		}
		members.add(member);
	}

	static void unregister(EtcdMember member) {
		members.remove(member);
	}

	private static void reapAll() {
		for (EtcdMember member : members) {
			try {
				member.destroyNow();
			}
			catch (RuntimeException ex) {
				// The JVM is going away; keep reaping the others
			}
		}
		members.clear();
	}

}
